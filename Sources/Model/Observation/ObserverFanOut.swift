/// Passes every observed product to several observers in order, so that one forward pass
/// can feed, e.g., an imatrix accumulator and a diagnostics collector.
public final class ObserverFanOut: ActivationObserver {
    public let observers: [any ActivationObserver]

    public init(_ observers: [any ActivationObserver]) { self.observers = observers }

    public func observe(_ activation: ObservedActivation) {
        for observer in observers { observer.observe(activation) }
    }
}
