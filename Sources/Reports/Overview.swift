// Reports: rendering only. Text tables, Markdown tables, CSV, number formatting, progress lines,
// SVG charts (line, bar, scatter, heat maps) and self-contained HTML pages, built from plain
// numbers and strings. It imports no module of this project: the modules that own the data
// (Harness/ReportAssembly, Diagnosis) turn it into these builders' inputs.
