/// The forward pass's working memory, kept between calls so a run of many chunks allocates
/// only on the first one (or when a batch is larger than before).
final class Workspace {
    let hidden = FloatBuffer()
    let normed = FloatBuffer()
    let query = FloatBuffer()
    let key = FloatBuffer()
    let value = FloatBuffer()
    let attention = FloatBuffer()
    let projected = FloatBuffer()
    let gate = FloatBuffer()
    let up = FloatBuffer()
    let scores = FloatBuffer()
    let selectedRows = IndexBuffer()
    let compactAttention = FloatBuffer()
    let compactHidden = FloatBuffer()
    let outputWeights = FloatBuffer()
    let logits = FloatBuffer()
    let roundedInput = FloatBuffer()
    let quantizedInputs = QuantizedInputs()
    let latent = LatentAttentionProjection.Buffers(
        queryLatent: FloatBuffer(), keyValueLatent: FloatBuffer(), normedLatent: FloatBuffer(), expanded: FloatBuffer(),
        fullQuery: FloatBuffer(), headInput: FloatBuffer(), headOutput: FloatBuffer(), latentOutput: FloatBuffer(),
        rowIndices: IndexBuffer())
    let experts = ExpertFeedForward.Buffers(
        routerLogits: FloatBuffer(), selected: IndexBuffer(), weights: FloatBuffer(), selectionScores: FloatBuffer(),
        expertTokens: IndexBuffer(), expertInput: FloatBuffer(), expertOutput: FloatBuffer(), sharedOutput: FloatBuffer())
}
