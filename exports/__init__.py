"""Files made for briefings: the PowerPoint deck and spreadsheets, from the data a screen shows.

Pure functions of view data (no request, no database): web/exports.py decides who may have
which, and in which scope.
"""
