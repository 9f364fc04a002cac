import Foundation

/// A compiled formula expression: postfix instructions over float32 slots, evaluated per element
/// with a fixed-size stack (no allocation per element).
struct ExpressionProgram: Sendable {
    enum Instruction: Sendable {
        case constant(Float)
        case load(Int)
        case negate
        case add, subtract, multiply, divide, power
        case function(Function)
    }

    enum Function: String, CaseIterable, Sendable {
        case sqrt, abs, log, exp, pow, min, max

        var arity: Int {
            switch self {
            case .pow, .min, .max: 2
            case .sqrt, .abs, .log, .exp: 1
            }
        }
    }

    /// The element variables, in slot order; parameters follow them.
    static let variables = ["qw", "x", "sigma2", "mean_qw", "n_tokens"]

    let instructions: [Instruction]
    let stackDepth: Int
    /// Slot names (variables then parameters) and which of them the program reads.
    let slots: [String]
    let usedSlots: Set<Int>

    /// Evaluates the program with `values` (one per slot) on `stack` (≥ `stackDepth` floats).
    @inline(__always)
    func evaluate(_ values: UnsafePointer<Float>, stack: UnsafeMutablePointer<Float>) -> Float {
        var top = -1
        for instruction in instructions {
            switch instruction {
            case .constant(let value):
                top &+= 1
                stack[top] = value
            case .load(let slot):
                top &+= 1
                stack[top] = values[slot]
            case .negate:
                stack[top] = -stack[top]
            case .add:
                top &-= 1
                stack[top] = stack[top] + stack[top &+ 1]
            case .subtract:
                top &-= 1
                stack[top] = stack[top] - stack[top &+ 1]
            case .multiply:
                top &-= 1
                stack[top] = stack[top] * stack[top &+ 1]
            case .divide:
                top &-= 1
                stack[top] = stack[top] / stack[top &+ 1]
            case .power:
                top &-= 1
                stack[top] = powf(stack[top], stack[top &+ 1])
            case .function(let function):
                switch function {
                case .sqrt: stack[top] = stack[top].squareRoot()
                case .abs: stack[top] = Swift.abs(stack[top])
                case .log: stack[top] = logf(stack[top])
                case .exp: stack[top] = expf(stack[top])
                case .pow:
                    top &-= 1
                    stack[top] = powf(stack[top], stack[top &+ 1])
                case .min:
                    top &-= 1
                    stack[top] = Swift.min(stack[top], stack[top &+ 1])
                case .max:
                    top &-= 1
                    stack[top] = Swift.max(stack[top], stack[top &+ 1])
                }
            }
        }
        return stack[0]
    }
}
