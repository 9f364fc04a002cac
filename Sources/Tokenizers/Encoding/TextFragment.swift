/// A piece of the input after special tokens are matched: plain text (a byte range of the
/// input) for the model's algorithm, or a token taken verbatim.
enum TextFragment: Equatable {
    case text(Range<Int>)
    case token(Int32)
}
