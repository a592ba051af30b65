import Foundation
import RolloutCore

/// The composition a store driver provides: every port, and transactions over them (``StoreTransaction``). Callers
/// take the ports they use; the composition root holds this.
public protocol TicketStore: StoreTransaction, MailboxStateStore, UnitOfWork {}
