import Foundation
import Testing
import GGUF
import TestSupport

/// Checks of the test-side naive reference transformer itself, before it is used to judge the
/// Model module: it must reproduce llama.cpp on the fixture models, and the tiny models it is
/// run on must be built so that the rules under test change the numbers.
@Suite("Naive reference transformer")
struct NaiveReferenceTests {
    /// The fixture models with llama.cpp perplexity logs (`-c 128 --chunks 4`).
    static let fixtureModels = [("dense", "tiny-llama"), ("dense", "tiny-qwen2"), ("dense", "tiny-qwen3"),
                                ("moe", "tiny-mixtral"), ("moe", "tiny-qwen3moe")]

    /// The READMEs measured their float64 numpy forward within 3.1e-5 (dense) and 4e-6 (MoE) of
    /// every printed value with f32 attention; rtol 1e-4 is their suggested tolerance and
    /// separates the typical bugs (wrong RoPE pairing ≥ 0.05, skipped norms ≥ 0.12, q/k norms 0.014).
    @Test("Reproduces llama-perplexity's first chunk on the fixture models (rtol 1e-4)", .needsFixtures,
          arguments: fixtureModels)
    func fixtureFirstChunk(_ model: (String, String)) throws {
        let (folder, name) = model
        let reference = try PerplexityReference.tinyModel(folder: folder, name: name)
        let naive = try NaiveTransformer(file: GGUFFile(path: TestEnvironment.fixture("\(folder)/\(name).gguf")))
        let chunk = reference.chunks[0]
        let positions = Array(reference.scoredPositions)
        let run = try naive.run(tokens: chunk, outputPositions: positions)
        let nlls = positions.indices.map { run.negativeLogLikelihood(row: $0, next: chunk[positions[$0] + 1]) }
        let perplexity = PerplexityReference.cumulative([nlls])[0]
        let expected = reference.cumulativePerplexity[0]
        #expect(abs(perplexity - expected) <= 1e-4 * expected, "\(name): naive \(perplexity), llama.cpp \(expected)")
    }

    @Test("Every tiny model runs, gives finite logits, and MoE routing has a clear margin", arguments: TinyModels.all)
    func tinyModelsRun(_ spec: TinyModelSpec) throws {
        let directory = try TemporaryDirectory()
        let naive = try NaiveTransformer(file: GGUFFile(path: TinyModels.write(spec, in: directory)))
        var random = SeededGenerator(seed: 7)
        let run = try naive.run(tokens: random.tokens(16, vocabularySize: spec.vocabularySize))
        #expect(run.logits.count == 16)
        #expect(run.logits.allSatisfy { $0.count == spec.vocabularySize && $0.allSatisfy(\.isFinite) })
        let spread = run.logits.flatMap { $0 }.map(abs).max() ?? 0
        #expect(spread > 0.3 && spread < 30, "\(spec.name): max |logit| \(spread) (want O(1) logits)")
        if spec.expertCount > 0 {
            #expect(run.minimumRoutingMargin > 1e-3, "\(spec.name): routing margin \(run.minimumRoutingMargin)")
        }
    }

    /// Each special rule of a tiny model must move the logits well above the comparison
    /// tolerance, otherwise a fast path that ignores it would still pass.
    @Test("The tiny models' special rules change the logits", arguments: [
        "gemma3 sliding window", "gemma3 global RoPE base", "llama linear RoPE scaling", "llama rope_freqs",
    ])
    func rulesMatter(_ label: String) throws {
        var spec = TinyModels.gemma3, changed = TinyModels.gemma3
        switch label {
        case "gemma3 sliding window": changed.slidingWindow = 1_000
        case "gemma3 global RoPE base": changed.ropeFrequencyBase = 10_000
        case "llama linear RoPE scaling": spec = TinyModels.llamaScaledRope; changed = spec; changed.linearRopeScaling = nil
        default: spec = TinyModels.llamaScaledRope; changed = spec; changed.ropeFrequencyFactors = false
        }
        let directory = try TemporaryDirectory()
        var random = SeededGenerator(seed: 11)
        let tokens = random.tokens(16, vocabularySize: spec.vocabularySize)
        let a = try NaiveTransformer(file: GGUFFile(path: TinyModels.write(spec, in: directory))).logits(tokens: tokens)
        changed.name += "-changed"
        let b = try NaiveTransformer(file: GGUFFile(path: TinyModels.write(changed, in: directory))).logits(tokens: tokens)
        let scale = a.flatMap { $0 }.map(abs).max() ?? 1
        let difference = zip(a.flatMap { $0 }, b.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 0
        #expect(difference > 1e-2 * scale, "\(label): logits move only \(difference) (max |logit| \(scale))")
    }
}
