import Kernels

extension GGUFFile {
    /// All elements of `tensor` as float32 (row-major, `shape[0]` fastest).
    /// - Throws: `.unsupportedTensorType` naming the type and the tensor.
    public func dequantize(_ tensor: GGUFTensorInfo, threads: Int = Parallel.processorCount) throws(GGUFError) -> [Float] {
        var values = [Float](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { (buffer) throws(GGUFError) in
            try dequantizeRows(tensor, rows: 0..<tensor.rowCount, into: buffer, threads: threads)
        }
        return values
    }

    /// Rows `rows` of `tensor` as float32 into `destination`, which must hold at least
    /// `rows.count × rowLength` floats.
    ///
    /// Use this to stream a large tensor through a reusable scratch buffer.
    /// - Throws: `.unsupportedTensorType` naming the type and the tensor.
    public func dequantizeRows(
        _ tensor: GGUFTensorInfo, rows: Range<Int>, into destination: UnsafeMutableBufferPointer<Float>,
        threads: Int = Parallel.processorCount
    ) throws(GGUFError) {
        guard Dequantizer.supports(tensor.type) else {
            throw Dequantizer.unsupported(tensor.type, tensorName: tensor.name, file: path)
        }
        precondition(rows.lowerBound >= 0 && rows.upperBound <= tensor.rowCount, "rows \(rows) out of 0..<\(tensor.rowCount)")
        let elementCount = rows.count * tensor.rowLength
        precondition(destination.count >= elementCount, "destination holds \(destination.count) floats, \(elementCount) needed")
        guard elementCount > 0, let output = destination.baseAddress else { return }
        let bytes = data(of: tensor)
        try Dequantizer.dequantize(
            tensor.type, from: bytes.baseAddress! + rows.lowerBound * tensor.rowByteCount,
            elementCount: elementCount, into: output,
            threads: threads, tensorName: tensor.name, file: path)
    }
}
