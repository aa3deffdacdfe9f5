"""Topic of the month (每月一题): governance projects made from hot issues or from a category
in an area, with their actions, milestones and before/after figures."""
