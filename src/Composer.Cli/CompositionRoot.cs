using System.CommandLine;
using Composer.Cli.Output;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Hosts;
using Composer.Core.UseCases;
using Composer.Docker;

namespace Composer.Cli;

/// <summary>The one place that makes the engine adapter: every command gets its use cases from here.</summary>
internal static class CompositionRoot
{
    /// <summary>Connects to the engine (failing with how to start one) and wires the use cases to composer's console and lock files.</summary>
    /// <param name="early">A connection to the default engine begun by <see cref="ConnectEarly"/>: used when the project has no hosts.</param>
    /// <param name="project">The loaded project's name: a head start begun for another name is let go.</param>
    public static async Task<ComposeActions> ConnectAsync(GlobalOptions global, ParseResult parse, CancellationToken cancellationToken, IUseCaseOutput? output = null, Task<HeadStart>? early = null, string? project = null)
    {
        IContainerEngine engine;
        IProjectLocks? locks = null;
        if (global.Placement is { } placement)
        {
            Discard(early);
            engine = await ConnectHostsAsync(placement, cancellationToken).ConfigureAwait(false);
        }
        else if (early is not null)
        {
            var start = await early.ConfigureAwait(false);
            engine = start.Engine;
            if (start.Lock is not null)
            {
                if (start.Project is { } name && name == project) locks = new HeldLocks(LocksFor(engine), name, start.Lock);
                else start.Lock.Dispose();
            }
        }
        else engine = await ConnectEngineAsync(cancellationToken).ConfigureAwait(false);
        return new ComposeActions(engine, output ?? Output(global, parse), locks ?? LocksFor(engine), global.ParallelLimit(parse)) { HostFiles = new HostFiles() };
    }

    /// <summary>The default engine connected while the file loaded; with a name given up front, that project's lock held and its listing begun.</summary>
    public sealed record HeadStart(DockerEngine Engine, string? Project = null, IDisposable? Lock = null);

    /// <summary>
    /// Begins connecting to the default engine on another thread, so the engine's answers overlap the file's load (they
    /// share nothing). When the project's name is known before the file (-p, COMPOSE_PROJECT_NAME) and
    /// <paramref name="observe"/> is set, it also takes the project's lock and begins listing the project, the largest
    /// engine answer of a command with nothing to do. Await it through <see cref="ConnectAsync"/>; a project with hosts
    /// or another name lets it go. A file that fails to load never awaits it: its error is the file's, as without it.
    /// </summary>
    public static Task<HeadStart> ConnectEarly(GlobalOptions global, ParseResult parse, CancellationToken cancellationToken, bool observe = false)
    {
        var name = observe && global.GivenProjectName(parse) is { } given ? Core.Model.Project.FromGivenName(given).Name : null;
        return Task.Run(async () =>
        {
            var engine = await ConnectDockerAsync(cancellationToken).ConfigureAwait(false);
            if (name is null) return new HeadStart(engine);
            try
            {
                var held = await ProjectLock.AcquireAsync(name, [engine.Endpoint], cancellationToken).ConfigureAwait(false);
                engine.BeginObserve(name, cancellationToken);
                return new HeadStart(engine, name, held);
            }
            catch
            {
                engine.Dispose();
                throw;
            }
        }, cancellationToken);
    }

    private static void Discard(Task<HeadStart>? early) =>
        early?.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully) { _ = t.Exception; return; }
            t.Result.Lock?.Dispose();
            t.Result.Engine.Dispose();
        }, TaskScheduler.Default);

    /// <summary>The locks of a command whose project lock was taken before its file loaded: the first acquire of it is that lock.</summary>
    private sealed class HeldLocks(IProjectLocks inner, string project, IDisposable held) : IProjectLocks
    {
        private IDisposable? _held = held;

        public async Task<IDisposable> AcquireAsync(string name, CancellationToken cancellationToken) =>
            name == project && Interlocked.Exchange(ref _held, null) is { } lockHeld ? lockHeld : await inner.AcquireAsync(name, cancellationToken).ConfigureAwait(false);

        public IDisposable? TryAcquire(string key) => inner.TryAcquire(key);

        public string Where(string key) => inner.Where(key);
    }

    /// <summary>
    /// A multi-host project: one engine per host (in parallel, each checked), routed by <see cref="HostEngines"/>;
    /// the engine composer uses without hosts is where images no host has (Composer's ambassador) are copied from.
    /// </summary>
    public static async Task<HostEngines> ConnectHostsAsync(Placement placement, CancellationToken cancellationToken)
    {
        var engines = placement.Hosts.ToDictionary(h => h.Key, h => DockerEngine.Connect(h.Value));
        var local = engines.Values.FirstOrDefault(e => placement.Hosts.Any(h => h.Value.IsDefaultEngine && ReferenceEquals(engines[h.Key], e))) ?? DockerEngine.Connect();
        var hosts = new HostEngines(engines.ToDictionary(kv => kv.Key, kv => (IContainerEngine)kv.Value), placement, local);
        try
        {
            await hosts.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            hosts.Dispose();
            throw;
        }
        return hosts;
    }

    /// <summary>
    /// The engine port alone, for the dashboard: it reads the engine's views and events itself and runs the use cases
    /// for its actions (disposing the use cases disposes the engine).
    /// </summary>
    public static async Task<IContainerEngine> ConnectEngineAsync(CancellationToken cancellationToken) =>
        await ConnectDockerAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The Swarm port, for <c>composer stack</c> (the engine must be a Swarm manager).</summary>
    public static async Task<Composer.Core.Stack.ISwarmEngine> ConnectSwarmAsync(CancellationToken cancellationToken) =>
        await ConnectDockerAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<DockerEngine> ConnectDockerAsync(CancellationToken cancellationToken)
    {
        var engine = DockerEngine.Connect();
        try
        {
            await engine.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        return engine;
    }

    /// <summary>The project locks of the engine composer uses by default (DOCKER_HOST or the local socket).</summary>
    public static readonly IProjectLocks Locks = new FileProjectLocks([DockerEngine.DefaultEndpoint]);

    /// <summary>The project locks of every engine <paramref name="engine"/> reaches (each host of a multi-host project).</summary>
    public static IProjectLocks LocksFor(IContainerEngine engine) => engine switch
    {
        DockerEngine docker => new FileProjectLocks([docker.Endpoint]),
        HostEngines hosts => new FileProjectLocks([.. hosts.Engines.Values.Select(e => (e as DockerEngine)?.Endpoint ?? DockerEngine.DefaultEndpoint)]),
        _ => Locks,
    };

    public static ConsoleOutput Output(GlobalOptions global, ParseResult parse) =>
        new(parse.GetValue(global.Progress) ?? "auto", parse.GetValue(global.Ansi) ?? "auto");

    /// <summary>The project locks of <see cref="ProjectLock"/> on some engines: files the kernel unlocks when composer dies.</summary>
    private sealed class FileProjectLocks(IReadOnlyList<Uri?> endpoints) : IProjectLocks
    {
        public async Task<IDisposable> AcquireAsync(string project, CancellationToken cancellationToken) =>
            await ProjectLock.AcquireAsync(project, endpoints, cancellationToken).ConfigureAwait(false);

        public IDisposable? TryAcquire(string key) => ProjectLock.TryAcquire(key, endpoints);

        public string Where(string key) => string.Join(", ", ProjectLock.PathsFor(key, endpoints));
    }
}

/// <summary>exec and run attach to composer's own terminal.</summary>
internal sealed class TerminalAttach : IProcessAttach
{
    public static readonly TerminalAttach Instance = new();
    public Task<long> AttachAsync(AttachMode mode, Func<ProcessStreams, Task<long>> body) => LocalTerminal.AttachedAsync(mode, body);
}
