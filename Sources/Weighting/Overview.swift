// Weighting: importance-weighting formulas (llama.cpp's qw·sqrt(σ²+x²), qw, |x|, x², log-normal
// regularised qw^(1-λ), custom expressions) and importance-weighted error scores.
//
// Filled by the quantizers/weighting issue; the target exists so the architecture is visible.
