"""Framework agreements that live: suspending, lifting and terminating a supplier's agreement,
with a decision letter and the agreement's history."""
