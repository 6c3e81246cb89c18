using System.Collections.Immutable;
using System.Text;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Loading;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.UseCases;
using Composer.Docker;

namespace Composer.Testing;

/// <summary>
/// A Compose project started for a test: <c>await using var app = await ComposeProject.UpAsync("compose.yaml");</c>.
/// It runs the same loader, planner and executor as <c>composer up --wait</c>; disposing it runs
/// <c>composer down --volumes --remove-orphans</c> for its project, so exactly the containers, networks and volumes
/// (named volumes included: the test owns them) that carry its project label are removed, even when the test failed.
/// </summary>
public sealed class ComposeProject : IAsyncDisposable
{
    private readonly ComposeActions _actions;
    private readonly Project _project;
    private readonly CollectedOutput _output;
    private int _disposed;

    private ComposeProject(ComposeActions actions, Project project, CollectedOutput output)
    {
        _actions = actions;
        _project = project;
        _output = output;
    }

    /// <summary>The project's name: the label every resource it made carries (<c>com.docker.compose.project</c>).</summary>
    public string Name => _project.Name;

    /// <summary>The names of the project's services, as the compose file declares them (after profiles).</summary>
    public IReadOnlyCollection<string> Services => [.. _project.Services.Keys];

    /// <summary>
    /// Loads <paramref name="composeFile"/>, creates and starts the project and waits until every service is running,
    /// or healthy when it has a healthcheck (<c>composer up --wait</c>). On failure everything made so far is removed
    /// and a <see cref="ComposeProjectException"/> says why.
    /// </summary>
    /// <param name="composeFile">The compose file; a relative path is taken from the current directory.</param>
    /// <param name="options">Project name, profiles, environment and wait timeout; defaults when null.</param>
    /// <param name="cancellationToken">Stops waiting; what was made is removed.</param>
    /// <returns>The running project; dispose it to remove it.</returns>
    public static async Task<ComposeProject> UpAsync(string composeFile, ComposeProjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(composeFile);
        options ??= new ComposeProjectOptions();
        var project = Load([composeFile, .. options.OverrideFiles], options);

        var engine = DockerEngine.Connect();
        try
        {
            await engine.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            engine.Dispose();
            throw new ComposeProjectException($"no Docker Engine answers ({e.Message}); start one, or set DOCKER_HOST", [], e);
        }

        var output = new CollectedOutput();
        var app = new ComposeProject(new ComposeActions(engine, output, InProcessLocks.Instance), project, output);
        try
        {
            var outcome = await app._actions.UpAsync(
                new UpRequest(project, new UpOptions()) { Wait = true, WaitTimeout = options.WaitTimeout },
                cancellationToken).ConfigureAwait(false);
            if (outcome != UpOutcome.Succeeded)
                throw new ComposeProjectException($"project \"{project.Name}\" did not come up", output.Errors);
            return app;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Project Load(IReadOnlyList<string> composeFiles, ComposeProjectOptions options)
    {
        var environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        foreach (var (key, value) in options.Environment) environment[key] = value;
        var loadOptions = new ProjectOptions
        {
            WorkingDirectory = Directory.GetCurrentDirectory(),
            ConfigFiles = [.. composeFiles.Select(Path.GetFullPath)],
            ProjectName = options.ProjectName ?? "test-" + Guid.NewGuid().ToString("n")[..10],
            Profiles = [.. options.Profiles],
            Environment = environment.ToImmutableDictionary(),
        };
        var result = new ProjectLoader().Load(loadOptions);
        if (!result.Success)
            throw new ComposeProjectException("the compose file is not valid", [.. result.Diagnostics.Select(d => d.ToString())]);
        return result.Project!;
    }

    /// <summary>
    /// Where the test process reaches <paramref name="port"/> of a service's replica: the published host port on the
    /// loopback address when the port is published (<c>127.0.0.1:49153</c>), otherwise the container's own address on
    /// its first network and the port itself (reachable from the test process on Linux, where containers are routed).
    /// </summary>
    /// <param name="service">The service's name.</param>
    /// <param name="port">The container port, e.g. 5432.</param>
    /// <param name="protocol"><c>tcp</c> or <c>udp</c>.</param>
    /// <param name="index">The replica's number, from 1.</param>
    /// <param name="cancellationToken">Cancels the engine's inspection.</param>
    /// <returns>The host and port to connect to.</returns>
    public async Task<ServiceEndpoint> EndpointAsync(string service, int port, string protocol = "tcp", int index = 1, CancellationToken cancellationToken = default)
    {
        RequireService(service);
        try
        {
            var published = await _actions.PortAsync(new PortRequest(Name, service, index, port, protocol), cancellationToken).ConfigureAwait(false);
            var colon = published.LastIndexOf(':');
            var host = published[..colon];
            // A binding on every address (0.0.0.0, ::) is reached on loopback; a specific one, there.
            if (host is "0.0.0.0" or "" or "::" or "[::]") host = "127.0.0.1";
            return new ServiceEndpoint(host, int.Parse(published[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (EngineException) { }

        var rows = await _actions.EndpointsAsync(new ServicesRequest(ProjectTarget.Of(_project), [service]), cancellationToken).ConfigureAwait(false);
        var row = rows.FirstOrDefault(r => r.Container.Number == index)
            ?? throw new ComposeProjectException($"service \"{service}\" has no container {index}", []);
        var address = row.Endpoints.Addresses.Values.FirstOrDefault()
            ?? throw new ComposeProjectException($"container {row.Container.Name} has no network address (is it running?)", []);
        return new ServiceEndpoint(address, port);
    }

    /// <summary>Everything a service's containers have written so far (stdout and stderr), one line per line, in order per container.</summary>
    /// <param name="service">The service's name.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines, each ending in a newline.</returns>
    public async Task<string> LogsAsync(string service, CancellationToken cancellationToken = default)
    {
        RequireService(service);
        var view = await _actions.LogsAsync(new LogsRequest(Name, [service], Follow: false, Tail: null, Timestamps: false), cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        await foreach (var line in view.Lines.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            text.Append(line.Text);
            if (!line.Text.EndsWith('\n')) text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Runs a command in a service's running container (<c>composer exec -T</c>) and returns its exit code and output.</summary>
    /// <param name="service">The service's name.</param>
    /// <param name="command">The command and its arguments, e.g. <c>"sh", "-c", "echo hi"</c>.</param>
    /// <returns>The exit code, stdout and stderr.</returns>
    public Task<ExecResult> ExecAsync(string service, params string[] command) => ExecAsync(service, command, index: 1, CancellationToken.None);

    /// <summary>Runs a command in a service's replica (<c>composer exec -T --index</c>) and returns its exit code and output.</summary>
    /// <param name="service">The service's name.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="index">The replica's number, from 1.</param>
    /// <param name="cancellationToken">Stops waiting for the command.</param>
    /// <returns>The exit code, stdout and stderr.</returns>
    public async Task<ExecResult> ExecAsync(string service, IReadOnlyList<string> command, int index, CancellationToken cancellationToken = default)
    {
        RequireService(service);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("a command is needed", nameof(command));
        var capture = new CapturedStreams();
        var exitCode = await _actions.ExecAsync(
            new ExecServiceRequest(ProjectTarget.Of(_project), service, index, new ExecRequest([.. command]), new AttachMode(Tty: false, Stdin: false)),
            capture, cancellationToken).ConfigureAwait(false)
            ?? throw new ComposeProjectException($"service \"{service}\" has no running container {index}", []);
        return new ExecResult(exitCode, capture.Stdout, capture.Stderr);
    }

    /// <summary>
    /// Removes the project as <c>composer down --volumes --remove-orphans</c> does: its containers, networks, anonymous
    /// and named volumes, found by the project's label. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the project is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            var removed = await _actions.DownAsync(
                new DownRequest(ProjectTarget.Of(_project), new DownOptions { RemoveVolumes = true, RemoveOrphans = true }),
                CancellationToken.None).ConfigureAwait(false);
            if (!removed) throw new ComposeProjectException($"project \"{Name}\" was not removed completely", _output.Errors);
        }
        finally
        {
            _actions.Dispose();
        }
    }

    private void RequireService(string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        if (!_project.Services.ContainsKey(service))
            throw new ArgumentException($"no such service: {service} (the project has {string.Join(", ", _project.Services.Keys.Order(StringComparer.Ordinal))})", nameof(service));
    }

    /// <summary>The exec's streams, kept in memory.</summary>
    private sealed class CapturedStreams : IProcessAttach
    {
        private readonly MemoryStream _stdout = new();
        private readonly MemoryStream _stderr = new();

        public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());
        public string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());

        public Task<long> AttachAsync(AttachMode mode, Func<ProcessStreams, Task<long>> body) =>
            body(new ProcessStreams { Stdout = _stdout, Stderr = _stderr });
    }
}
