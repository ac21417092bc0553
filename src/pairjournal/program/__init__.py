"""The coordinator's side: a roster of participants' cards, and one program report from many signed exports.

This layer reads cards and exports, never a journal (docs/COORDINATOR.md). Every
check an export gets is sharing/'s own (`verify`'s code); this layer adds the
roster, the joining of two partners' exports into one pair, the totals, and the
suppression that keeps every shown cell drawn from at least K pairs.
"""
