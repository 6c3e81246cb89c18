namespace Composer.Core.Engine;

/// <summary>
/// The engine port as the use cases see it: the plans' operations (<see cref="IEngine"/>), the event stream
/// (<see cref="IEventSource"/>), and what the commands show and attach to (logs, processes, images, ports, exec and
/// one-off runs). The Docker adapter implements it; unit tests use a fake.
/// </summary>
public interface IContainerEngine : IEngine, IEventSource
{
    /// <summary>Checks that an engine answers; the message says how to start one when none does.</summary>
    Task PingAsync(CancellationToken cancellationToken);
    /// <summary>
    /// Fails with every key of the selected services (all when none is named) that this engine cannot honour, naming
    /// the key and the engine's version; <c>up</c> calls it before it builds or creates anything.
    /// </summary>
    Task CheckRequirementsAsync(Model.Project project, IReadOnlyCollection<string> services, CancellationToken cancellationToken);
    IAsyncEnumerable<LogLine> LogsAsync(string container, bool follow, string? tail, bool timestamps, CancellationToken cancellationToken);
    Task<ProcessTable> TopAsync(string container, CancellationToken cancellationToken);
    /// <summary>An image by reference or id; null when the engine does not have it.</summary>
    Task<ImageSummary?> ImageAsync(string reference, CancellationToken cancellationToken);
    /// <summary>Every Compose project's containers on the engine (for <c>ls</c>).</summary>
    Task<IReadOnlyList<ObservedContainer>> AllProjectContainersAsync(CancellationToken cancellationToken);
    /// <summary><c>port/proto</c> → the host addresses it is published on.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<(string HostIp, string HostPort)>>> PortBindingsAsync(string container, CancellationToken cancellationToken);
    /// <summary>Runs a command in a running container with <paramref name="io"/> attached; returns its exit code.</summary>
    Task<long> ExecAsync(string container, ExecRequest request, ProcessStreams io, CancellationToken cancellationToken);
    /// <summary>Starts a created container with <paramref name="io"/> attached and returns its exit code.</summary>
    Task<long> RunAttachedAsync(string container, bool tty, ProcessStreams io, CancellationToken cancellationToken);
}

public enum LogStream { Stdout, Stderr }

public sealed record LogLine(string Container, LogStream Stream, string Text);

public sealed record ProcessTable(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

public sealed record ImageSummary(string Id, IReadOnlyList<string> Tags, long Size, DateTimeOffset Created);

/// <summary>A command to run in a running container (<c>exec</c>).</summary>
public sealed record ExecRequest(IReadOnlyList<string> Command)
{
    /// <summary><c>KEY=VALUE</c>.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public bool Privileged { get; init; }
    public bool Tty { get; init; }
    /// <summary>Start it and return at once, attaching nothing.</summary>
    public bool Detach { get; init; }
}

/// <summary>The size of composer's own terminal, which a process's TTY follows.</summary>
public interface ITerminalSize
{
    /// <summary>Columns and rows; null when unknown.</summary>
    (int Width, int Height)? Size { get; }
    event Action? Changed;
}

/// <summary>Composer's side of a process's streams.</summary>
public sealed class ProcessStreams
{
    /// <summary>Forwarded to the process until it ends, then the process's stdin is closed; null: stdin not attached.</summary>
    public Stream? Stdin { get; init; }
    public required Stream Stdout { get; init; }
    /// <summary>Unused with a TTY: the terminal merges the process's output into one stream.</summary>
    public required Stream Stderr { get; init; }
    /// <summary>With a TTY: the terminal whose size the process's TTY takes, now and on every change.</summary>
    public ITerminalSize? Terminal { get; init; }
}
