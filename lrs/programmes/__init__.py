"""Funded programmes: runtime, member organisations, eligible courses, targets, vouchers, costs."""
