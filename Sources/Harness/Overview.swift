// Harness: JSON sweep configs, experiment runs over formulas × quant types, end-to-end KLD and
// perplexity, and reports (JSON lines, CSV, Markdown, SVG).
//
// Filled by the harness issue; the target exists so the architecture is visible.
