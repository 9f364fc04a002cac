import GGUF
import Kernels

/// A weight matrix — or a stack of expert matrices — that the forward pass multiplies by.
///
/// The tensor is `ne = [inFeatures, outFeatures]` (or `[inFeatures, outFeatures, experts]`):
/// `outFeatures` rows of `inFeatures` per expert. Its float32 values come from one of three
/// places, decided once at load time by ``WeightStore``: the mapping itself (F32 tensors),
/// a cache filled at load (within the memory budget), or a scratch buffer filled just before
/// each product; weights of the integer products are read in their blocks from the mapping.
/// A replacement (see ``TransformerModel/replaceWeights(of:with:as:)``) takes precedence over
/// all three while it is set.
public final class LinearWeight: @unchecked Sendable {
    // @unchecked: `cached` is set once during loading, before any concurrent use; `replacement`
    // is only changed between evaluations (the model evaluates one batch at a time).

    /// The tensor's description in the file.
    public let tensor: GGUFTensorInfo
    /// Columns of each matrix (the input width).
    public let inFeatures: Int
    /// Rows of each matrix (the output width).
    public let outFeatures: Int
    /// Matrices stacked in the tensor (1 for dense weights).
    public let experts: Int
    /// The tensor's name, as the observer reports it.
    public var name: String { tensor.name }

    /// All values as float32 when cached at load, owned by this object.
    var cached: UnsafeMutablePointer<Float>?
    /// The values inside the mapping when the tensor is stored as F32.
    var direct: UnsafePointer<Float>?
    /// Values that replace the file's (e.g. a re-quantized copy), owned by this object.
    var replacement: UnsafeMutablePointer<Float>?
    /// The type the replacement values are on, which decides how inputs are rounded.
    var replacementType: GGMLType?
    /// Whether the tensor's mapped pages leave the resident set after each use: set at load for
    /// weights read from the file at every product (not cached, not kept mapped within the
    /// memory budget), so a model larger than `--memory` does not stay resident as a whole.
    var releasesPagesAfterUse = false

    init(tensor: GGUFTensorInfo, inFeatures: Int, outFeatures: Int, experts: Int) {
        self.tensor = tensor
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.experts = experts
    }

    /// Floats in one expert's matrix.
    var matrixElementCount: Int { inFeatures * outFeatures }
    /// Bytes the whole tensor takes as float32.
    var floatByteCount: Int { matrixElementCount * experts * MemoryLayout<Float>.stride }
    /// Whether the values are available without dequantizing.
    var isResident: Bool { replacement != nil || cached != nil || direct != nil }
    /// The type the products treat the weight as: the replacement's, else the file's.
    var effectiveType: GGMLType { replacementType ?? tensor.type }
    /// Whether the file's type has a ``QuantizedProduct`` kernel and the rows are whole blocks.
    var quantizedProductType: Bool {
        QuantizedProduct.supports(typeID: Int(tensor.type.id)) && inFeatures % tensor.type.blockSize == 0
            && QuantizedProduct.activationBlock(typeID: Int(tensor.type.id)) <= inFeatures
    }

    /// Drops the replacement, so the file's values are used again.
    func removeReplacement() {
        replacement?.deallocate()
        replacement = nil
        replacementType = nil
    }

    deinit {
        cached?.deallocate()
        replacement?.deallocate()
    }
}
