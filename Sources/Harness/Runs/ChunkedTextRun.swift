import Foundation
import GGUF
import Kernels
import Model
import Tokenizers

/// What `imx perplexity` and `imx compute` share before their first chunk: the model opened with
/// the run's options, the chunk length checked against its context, and the text tokenized and
/// cut into chunks as llama.cpp's tools do.
public enum ChunkedTextRun {
    /// Opens the model at `path` and checks that `contextLength` fits it.
    /// - Throws: ``GGUFError`` for the file, ``EvaluationError`` when `-c` exceeds the context.
    public static func openModel(path: String, contextLength: Int, options: ModelOptions) throws -> TransformerModel {
        let model = try TransformerModel(file: GGUFFile(path: path), options: options)
        if contextLength > model.spec.contextLength {
            throw EvaluationError(source: path, field: "context",
                                  message: "-c \(contextLength) exceeds the model's context length \(model.spec.contextLength)")
        }
        return model
    }

    /// Tokenizes the text at `textPath` whole (BOS as the vocabulary says, one trailing newline
    /// removed), drops the first `skippedChunks` chunks (llama-imatrix's `--from-chunk`) and
    /// plans the rest.
    /// - Throws: ``EvaluationError`` when too few tokens remain; the tokenizer's and reader's errors.
    public static func plan(model: TransformerModel, textPath: String, contextLength: Int, chunks: Int?,
                     parseSpecial: Bool = false, skippedChunks: Int = 0, processEscapes: Bool = true) throws -> PerplexityPlan {
        let vocabulary = try Vocabulary(file: model.file)
        for warning in vocabulary.warnings { Console.note(warning) }
        try model.file.checkOverridesRead()
        for note in model.file.overrideNotes { Console.note("override: \(note)") }
        let input = try TextInput.read(path: textPath, processEscapes: processEscapes)
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        var tokens = tokenizer.encode(input.bytes, addSpecial: true, parseSpecial: parseSpecial)
        if skippedChunks > 0 {
            guard skippedChunks < tokens.count / contextLength, (skippedChunks + 2) * contextLength < tokens.count else {
                throw EvaluationError(source: textPath, field: "from-chunk",
                                      message: "there will be not enough tokens left after removing \(skippedChunks) chunks of \(contextLength) (the text has \(tokens.count) tokens)")
            }
            tokens.removeFirst(skippedChunks * contextLength)
        }
        return try PerplexityPlan(tokens: tokens, contextLength: contextLength, requestedChunks: chunks,
                                  beginOfSequence: vocabulary.addBOS ? vocabulary.special.beginOfSequence : nil,
                                  source: textPath)
    }
}
