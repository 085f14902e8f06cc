import { describeCommand, type Command } from "./command.ts";

// Error kinds shared by every layer. Only protocol/ turns them into gRPC statuses.

/** A remote command ran and exited non-zero. */
export class CommandFailedError extends Error {
  readonly host: string;
  readonly command: Command;
  readonly exitCode: number;
  readonly stderr: string;
  constructor(host: string, cmd: Command, exitCode: number, stderr: string) {
    super(`${host}: \`${describeCommand(cmd)}\` exited ${exitCode}: ${stderr.trim() || "(no stderr)"}`);
    this.name = "CommandFailedError";
    this.host = host;
    this.command = cmd;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/**
 * A write found the file it was to change no longer as the plan read it (another stack, or a
 * concurrent operation of this one, changed it first). Nothing was written; planning again from a
 * fresh read of the host is safe.
 */
export class ConflictError extends CommandFailedError {
  constructor(host: string, cmd: Command, exitCode: number, stderr: string) {
    super(host, cmd, exitCode, stderr);
    this.name = "ConflictError";
  }
}

/** The host could not be reached or the connection broke: never means "object not found". */
export class TransportError extends Error {
  readonly host: string;
  constructor(host: string, message: string, options?: { cause?: unknown }) {
    super(`${host}: ${message}`, options);
    this.name = "TransportError";
    this.host = host;
  }
}

/**
 * The operation's deadline (customTimeouts, or the provider's default) passed. The command that was
 * running was stopped on the host; what it did before is unknown until the host is read again.
 */
export class TimeoutError extends TransportError {
  constructor(host: string, message: string) {
    super(host, message);
    this.name = "TimeoutError";
  }
}

/** An input is invalid; names the property path and the rule. */
export class ValidationError extends Error {
  readonly property: string;
  readonly reason: string;
  constructor(property: string, reason: string) {
    super(`${property}: ${reason}`);
    this.name = "ValidationError";
    this.property = property;
    this.reason = reason;
  }
}

/** The provider refuses an operation that would lose data or cannot proceed; nothing was changed. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedError";
  }
}

/** The operation was cancelled by the engine. */
export class CancelledError extends Error {
  constructor(message = "operation cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}

/** Something was created or changed but the operation failed part way; carries what was read back. */
export class PartialFailureError extends Error {
  readonly id: string;
  readonly state: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  constructor(id: string, state: Record<string, unknown>, inputs: Record<string, unknown>, cause: Error) {
    super(cause.message, { cause });
    this.name = "PartialFailureError";
    this.id = id;
    this.state = state;
    this.inputs = inputs;
  }
}

/** A write failed and reading the host back showed it left no object behind. */
export class NothingCreatedError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = "NothingCreatedError";
  }
}

/** A write failed and the host could not be read back: the object's state is unknown. */
export class UnknownStateError extends Error {
  constructor(cause: Error, readError: Error) {
    super(`${cause.message} (the host could not be read back to see what changed: ${readError.message})`, { cause });
    this.name = "UnknownStateError";
  }
}
