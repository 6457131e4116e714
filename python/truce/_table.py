"""A small column table read from truce's CSV outputs (no NumPy or pandas needed)."""
import csv
import io
import math

try:
    import numpy as _np
except ImportError:  # NumPy is used when present, never required
    _np = None


def _convert(cells, whole):
    """A column's cells as int (for the columns of counts, when all are whole numbers), float
    (numbers and NA) or str: a column's type does not depend on the values it happens to hold."""
    if whole:
        try:
            return "int", [int(c) for c in cells]
        except ValueError:
            pass
    try:
        return "float", [math.nan if c in ("NA", "", "nan", "NaN") else float(c) for c in cells]
    except ValueError:
        return "str", list(cells)


class Table:
    """Rows of a CSV that truce wrote, column by column.

    table.columns: the header; len(table): the rows; table["col"]: one column (a NumPy
    array for a numeric column when NumPy is present, else a list); iter(table): each row as
    a dict; table.csv: the text as truce wrote it; table.to_pandas(): a DataFrame (columns
    named in `dates` become datetime64).
    """

    def __init__(self, text, dates=(), strings=(), ints=()):
        self.csv = text
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = list(reader)
        self.columns = list(header)
        self._kind = {}
        self._data = {}
        self._dates = tuple(d for d in dates if d in header)
        for j, name in enumerate(header):
            cells = [r[j] for r in rows]
            if name in strings or name in self._dates:
                kind, values = "str", cells
            else:
                kind, values = _convert(cells, name in ints)
            self._kind[name] = kind
            self._data[name] = values
        self._n = len(rows)

    def __len__(self):
        return self._n

    def __getitem__(self, name):
        if name not in self._data:
            raise KeyError("%s (columns: %s)" % (name, ", ".join(self.columns)))
        values = self._data[name]
        if _np is not None and self._kind[name] != "str":
            return _np.asarray(values, dtype=float if self._kind[name] == "float" else _np.int64)
        return list(values)

    def __iter__(self):
        for i in range(self._n):
            yield {c: self._data[c][i] for c in self.columns}

    def rows(self):
        """Every row as a dict."""
        return list(self)

    def where(self, **match):
        """The rows whose columns equal the given values, as dicts."""
        return [r for r in self if all(r[k] == v for k, v in match.items())]

    def to_pandas(self):
        import pandas as pd
        frame = pd.DataFrame({c: self._data[c] for c in self.columns}, columns=self.columns)
        for c in self._dates:
            frame[c] = pd.to_datetime(frame[c])
        return frame

    def __repr__(self):
        return "<truce.Table %d rows: %s>" % (self._n, ",".join(self.columns))
