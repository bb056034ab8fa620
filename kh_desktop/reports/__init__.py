"""Printed progress reports: content.py says what a report holds, render.py lays it out with Qt."""
