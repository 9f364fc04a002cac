/// Parses and validates the header, metadata and tensor infos of a GGUF file in memory.
///
/// Every inconsistency is a ``GGUFError`` naming the file, the field and the offending value:
/// truncation, wrong magic, unsupported version, lengths or offsets past the end, unknown
/// value or tensor types, duplicate keys or tensor names, bad alignment, misaligned data,
/// tensor data that do not follow one another in order (gaps, overlaps, wrong sizes).
struct GGUFParser {
    struct Result {
        var version: UInt32
        var metadata: GGUFMetadata
        var valueOffsets: [String: Int]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(GGUFError) -> Result {
        var cursor = ByteCursor(bytes: bytes, file: file)
        let version = try readHeader(&cursor)
        let tensorCount = try cursor.readLength("header.tensor_count", unitSize: 32, what: "tensor count")
        let keyCount = try cursor.readLength("header.metadata_kv_count", unitSize: 13, what: "metadata count")

        var metadata = GGUFMetadata(source: file)
        var valueOffsets: [String: Int] = [:]
        for index in 0..<keyCount {
            let key = try cursor.readString("metadata[\(index)].key")
            let type = try cursor.readValueType("metadata[\(index)] '\(key)'.type")
            valueOffsets[key] = cursor.offset
            let value = try cursor.readValue(type, "metadata[\(index)] '\(key)'")
            try metadata.insertNew(key, value, field: "metadata[\(index)].key")
        }
        let alignment = try readAlignment(metadata, cursor)

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        var seenNames = Set<String>()
        for index in 0..<tensorCount {
            let info = try readTensorInfo(&cursor, index: index, alignment: alignment)
            guard seenNames.insert(info.name).inserted else {
                throw cursor.error("tensor_infos[\(index)].name", .duplicateTensor, "duplicate tensor name '\(info.name)'")
            }
            tensors.append(info)
        }

        let dataOffset = GGUFLayout.align(cursor.offset, to: alignment)
        let dataSize = max(0, bytes.count - dataOffset)
        for info in tensors {
            let end = info.offset.addingReportingOverflow(info.byteCount)
            guard !end.overflow, end.partialValue <= dataSize else {
                throw cursor.error(
                    "tensor '\(info.name)'.offset", .offsetPastEnd,
                    "data at offset \(info.offset) with \(info.byteCount) bytes runs past the end of the data section (\(dataSize) bytes from file offset \(dataOffset))")
            }
        }
        // As llama.cpp's reader: the data follow one another in tensor order, each padded to the
        // alignment, so a size that does not match type × shape, an overlap or a gap is an error.
        var expectedOffset = 0
        for info in tensors {
            guard info.offset == expectedOffset else {
                throw cursor.error(
                    "tensor_infos[\(info.index)] '\(info.name)'.offset", .invalidValue,
                    "data offset \(info.offset), expected \(expectedOffset): tensor data must follow one another in order, each \(info.type.name) \(info.shape) taking its size padded to \(alignment) bytes (a gap, an overlap or a size that does not match type and shape)")
            }
            let rounded = info.byteCount.addingReportingOverflow(alignment - 1)
            let next = expectedOffset.addingReportingOverflow(rounded.partialValue / alignment * alignment)
            guard !rounded.overflow, !next.overflow else {
                throw cursor.error("tensor_infos[\(info.index)] '\(info.name)'.ne", .invalidValue, "byte size of shape \(info.shape) overflows")
            }
            expectedOffset = next.partialValue
        }
        return Result(version: version, metadata: metadata, valueOffsets: valueOffsets,
                      tensors: tensors, alignment: alignment, dataOffset: dataOffset)
    }

    private static func readHeader(_ cursor: inout ByteCursor) throws(GGUFError) -> UInt32 {
        try cursor.need(4, "header.magic")
        let magic = (0..<4).map { cursor.bytes[$0] }
        guard magic == GGUFLayout.magic else {
            let hex = magic.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
            let text = String(decoding: magic.map { (32...126).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
            throw cursor.error("header.magic", .badMagic, "not a GGUF file: magic is \(hex) (\"\(text)\"), expected 47 47 55 46 (\"GGUF\")")
        }
        cursor.offset = 4
        let version = try cursor.read(UInt32.self, "header.version")
        guard GGUFLayout.supportedVersions.contains(version) else {
            if version.byteSwapped >= 1 && version.byteSwapped <= 3 {
                throw cursor.error("header.version", .unsupportedVersion, "big-endian GGUF (version \(version.byteSwapped) byte-swapped) is not supported")
            }
            throw cursor.error("header.version", .unsupportedVersion, "unsupported GGUF version \(version) (supported: 2, 3)")
        }
        return version
    }

    private static func readAlignment(_ metadata: GGUFMetadata, _ cursor: ByteCursor) throws(GGUFError) -> Int {
        guard let value = metadata[GGUFLayout.alignmentKey] else { return GGUFLayout.defaultAlignment }
        guard case .uint32(let alignment) = value else {
            throw cursor.error(GGUFLayout.alignmentKey, .typeMismatch, "expected UINT32, found \(value.typeDescription)")
        }
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw cursor.error(GGUFLayout.alignmentKey, .invalidValue, "alignment \(alignment) is not a power of two")
        }
        return Int(alignment)
    }

    private static func readTensorInfo(_ cursor: inout ByteCursor, index: Int, alignment: Int) throws(GGUFError) -> GGUFTensorInfo {
        let field = "tensor_infos[\(index)]"
        let name = try cursor.readString("\(field).name")
        guard name.utf8.count < GGUFLayout.maximumNameLength else {
            throw cursor.error("\(field).name", .invalidValue, "tensor name '\(name)' is \(name.utf8.count) bytes, ggml allows at most \(GGUFLayout.maximumNameLength - 1)")
        }
        let named = "\(field) '\(name)'"
        let dimensionCount = try cursor.read(UInt32.self, "\(named).n_dims")
        guard (1...UInt32(GGUFLayout.maximumDimensions)).contains(dimensionCount) else {
            throw cursor.error("\(named).n_dims", .invalidValue, "\(dimensionCount) dimensions (ggml supports 1 to \(GGUFLayout.maximumDimensions))")
        }
        var shape: [Int] = []
        var elements = 1
        for d in 0..<Int(dimensionCount) {
            let raw = try cursor.read(UInt64.self, "\(named).ne[\(d)]")
            guard raw <= UInt64(Int64.max) else {
                throw cursor.error("\(named).ne[\(d)]", .invalidValue, "dimension \(raw) is out of range")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
            guard !overflow else {
                throw cursor.error("\(named).ne", .invalidValue, "element count overflows at dimension \(d) (\(raw))")
            }
            elements = product
            shape.append(Int(raw))
        }
        let typeID = try cursor.read(UInt32.self, "\(named).type")
        guard let type = GGMLType(rawValue: typeID) else {
            throw cursor.error("\(named).type", .unknownTensorType, "unknown tensor type id \(typeID)")
        }
        guard shape[0] % type.blockSize == 0 else {
            throw cursor.error("\(named).ne[0]", .invalidValue, "row length \(shape[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)")
        }
        // With a zero dimension the element count is 0 whatever the others are; the row count
        // (the product of the dimensions after the first) must still fit, as ggml checks.
        let rows = shape.dropFirst().reduce((value: 1, overflow: false)) { partial, dimension in
            let product = partial.value.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.overflow || product.overflow)
        }
        guard !rows.overflow else {
            throw cursor.error("\(named).ne", .invalidValue, "row count of shape \(shape) overflows")
        }
        let (_, bytesOverflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        let rowBytes = (shape[0] / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        let (_, rowBytesOverflow) = rows.value.multipliedReportingOverflow(by: rowBytes.partialValue)
        guard !bytesOverflow, !rowBytes.overflow, !rowBytesOverflow else {
            throw cursor.error("\(named).ne", .invalidValue, "byte size of shape \(shape) overflows")
        }
        let rawOffset = try cursor.read(UInt64.self, "\(named).offset")
        guard rawOffset <= UInt64(Int64.max) else {
            throw cursor.error("\(named).offset", .offsetPastEnd, "data offset \(rawOffset) is past the end of the file")
        }
        guard Int(rawOffset) % alignment == 0 else {
            throw cursor.error("\(named).offset", .misaligned, "data offset \(rawOffset) is not a multiple of the alignment \(alignment)")
        }
        return GGUFTensorInfo(name: name, type: type, shape: shape, offset: Int(rawOffset), index: index)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
