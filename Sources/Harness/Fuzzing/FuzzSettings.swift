/// How long and on what a fuzz run works: the options of `imx fuzz`, shared by the supervisor
/// and the worker processes it starts.
public struct FuzzSettings: Sendable, Codable, Equatable {
    /// The target's name (see ``FuzzTargets``).
    public var target: String
    /// Stop after this many seconds (wall time, whole run).
    public var seconds: Double
    /// Stop after this many executions (nil: no limit).
    public var runs: Int?
    /// The mutator's seed (a restarted worker uses `seed + restarts`).
    public var seed: UInt64
    /// Folders whose files are seeds, besides the target's built-in ones.
    public var corpus: [String]
    /// Folder to save inputs that reached a new error signature (nil: none).
    public var saveCorpus: String?
    /// Folder for crash, hang, memory and unclean-error inputs.
    public var findings: String
    /// Longest input, bytes.
    public var maximumLength: Int
    /// Seconds one execution may take before it is a hang.
    public var timeout: Double
    /// Address space one worker may add, bytes.
    public var memoryBudget: Int
    /// Stop after this many crashes, hangs and memory findings.
    public var maximumFindings: Int
    /// The model whose tokenizer the `tokenizer` target uses (nil: the default places).
    public var model: String?

    public init(target: String, seconds: Double = 10, runs: Int? = nil, seed: UInt64 = 1, corpus: [String] = [],
                saveCorpus: String? = nil, findings: String = "runs/fuzz/findings", maximumLength: Int = 64 * 1024,
                timeout: Double = 2, memoryBudget: Int = 2 << 30, maximumFindings: Int = 5, model: String? = nil) {
        self.target = target
        self.seconds = seconds
        self.runs = runs
        self.seed = seed
        self.corpus = corpus
        self.saveCorpus = saveCorpus
        self.findings = findings
        self.maximumLength = maximumLength
        self.timeout = timeout
        self.memoryBudget = memoryBudget
        self.maximumFindings = maximumFindings
        self.model = model
    }
}
