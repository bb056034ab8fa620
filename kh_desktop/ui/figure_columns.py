"""The columns of a unit's figures grid: shared by its model, its view and the unit's tab, which is shown before
the grid's code is loaded."""

COL_STT, COL_NAME, COL_MEASURE, COL_TARGET, COL_ACTUAL, COL_KIND, COL_PERCENT, COL_VERDICT, COL_NOTE = range(9)
COLUMN_COUNT = 9
EDITABLE_COLUMNS = (COL_ACTUAL, COL_KIND, COL_NOTE)
