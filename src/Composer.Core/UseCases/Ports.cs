using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Supervision;

namespace Composer.Core.UseCases;

/// <summary>
/// Where the use cases report to: warnings, errors and notices, each operation's progress, the log lines of attached
/// containers and watch mode's incidents. The command line renders them; tests record them. Never the console itself.
/// </summary>
public interface IUseCaseOutput
{
    void Warning(string message);
    void Error(string message);
    void Info(string message);
    /// <summary>Progress of one plan's operations, shown until disposed.</summary>
    IProgressScope BeginProgress(bool quiet = false);
    /// <summary>A writer for the output of these containers (attached <c>up</c>).</summary>
    ILogWriter Logs(IReadOnlyList<ObservedContainer> containers);
    IWatchOutput Watch(string project);
}

public interface IProgressScope : IProgressSink, IAsyncDisposable;

public interface ILogWriter
{
    void Write(LogLine line);
}

/// <summary>One composer at a time changes a project on this machine; the command line keeps the locks in files.</summary>
public interface IProjectLocks
{
    /// <summary>Waits for the project's lock.</summary>
    Task<IDisposable> AcquireAsync(string project, CancellationToken cancellationToken);
    /// <summary>Takes <paramref name="key"/>'s lock if it is free; null if another process holds it.</summary>
    IDisposable? TryAcquire(string key);
    /// <summary>Where the lock is held, for messages.</summary>
    string Where(string key);
}

/// <summary>Connects a process's streams to the user's terminal (exec and run).</summary>
public interface IProcessAttach
{
    Task<long> AttachAsync(AttachMode mode, Func<ProcessStreams, Task<long>> body);
}

/// <summary>What a command acts on: the project's name, and its model when a compose file was found.</summary>
public sealed record ProjectTarget(string Name, Project? Project)
{
    public static ProjectTarget Of(Project project) => new(project.Name, project);
}
