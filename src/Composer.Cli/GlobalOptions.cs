using System.Collections.Immutable;
using System.CommandLine;
using Composer.Core.Loading;
using Composer.Core.Model;
using Composer.Core.UseCases;

namespace Composer.Cli;

/// <summary>Compose's global flags, shared by every command.</summary>
public sealed class GlobalOptions
{
    public Option<string[]> File { get; } = new("--file", "-f") { Description = "Compose configuration files", Recursive = true, Arity = ArgumentArity.ZeroOrMore };
    public Option<string?> ProjectName { get; } = new("--project-name", "-p") { Description = "Project name", Recursive = true };
    public Option<string?> ProjectDirectory { get; } = new("--project-directory") { Description = "Specify an alternate working directory (default: the path of the first compose file)", Recursive = true };
    public Option<string[]> EnvFile { get; } = new("--env-file") { Description = "Specify an alternate environment file", Recursive = true, Arity = ArgumentArity.ZeroOrMore };
    public Option<string[]> Profile { get; } = new("--profile") { Description = "Specify a profile to enable", Recursive = true, Arity = ArgumentArity.ZeroOrMore };
    public Option<int?> Parallel { get; } = new("--parallel") { Description = "Control max parallelism, -1 for unlimited", Recursive = true };
    public Option<string> Progress { get; } = new("--progress") { Description = "Set type of progress output (auto, tty, plain, json, quiet)", Recursive = true, DefaultValueFactory = _ => "auto" };
    public Option<string> Ansi { get; } = new("--ansi") { Description = "Control when to print ANSI control characters (\"never\"|\"always\"|\"auto\")", Recursive = true, DefaultValueFactory = _ => "auto" };

    public void AddTo(Command root)
    {
        foreach (var o in new Option[] { File, ProjectName, ProjectDirectory, EnvFile, Profile, Parallel, Progress }) root.Add(o);
        Progress.AcceptOnlyFromAmong("auto", "tty", "plain", "json", "quiet");
        root.Add(Ansi);
        Ansi.AcceptOnlyFromAmong("never", "always", "auto");
    }

    public ProjectOptions ProjectOptions(ParseResult parse, IEnumerable<string>? services = null)
    {
        return Core.Loading.ProjectOptions.FromProcess(Directory.GetCurrentDirectory()) with
        {
            ConfigFiles = [.. parse.GetValue(File) ?? []],
            ProjectName = parse.GetValue(ProjectName),
            ProjectDirectory = parse.GetValue(ProjectDirectory),
            EnvFiles = [.. parse.GetValue(EnvFile) ?? []],
            Profiles = [.. parse.GetValue(Profile) ?? []],
            SelectedServices = [.. services ?? []],
        };
    }

    /// <summary>
    /// The engines of the loaded project when it spans hosts (<c>x-composer.hosts</c>): what
    /// <see cref="CompositionRoot"/> connects to. Null for a project on one engine.
    /// </summary>
    public Core.Hosts.Placement? Placement { get; private set; }

    /// <summary>
    /// Loads the project, printing warnings; invalid files throw (exit 2). A multi-host project comes back with its
    /// cross-host ambassadors inserted (unless <paramref name="place"/> is false, for <c>config</c>), and
    /// <see cref="Placement"/> says which engine owns what. For a command that creates no container
    /// (<paramref name="createsContainers"/> false: down, ps, logs, stop…, build, pull) env_files are not read and two
    /// services may share a container_name, as in Compose.
    /// </summary>
    public Project LoadProject(ParseResult parse, IEnumerable<string>? services = null, bool interpolate = true, bool place = true, bool createsContainers = true)
    {
        var timings = CommandTimings.ForLoad();
        var options = ProjectOptions(parse, services) with
        {
            Interpolate = interpolate, DiscardEnvFiles = !createsContainers, CheckContainerNames = createsContainers,
        };
        var loader = new ProjectLoader(validated: DiskValidationCache.ForUser(), timings: timings);
        var result = LoadWithoutCollections.Run(loader.FindConfigFiles(options, new Core.Diagnostics.DiagnosticBag()), () => loader.Load(options));
        CommandTimings.Loaded(timings);
        // A file that fails to load has all its diagnostics, warnings included, printed once by the command's guard.
        if (result.Success) Diagnostics.Print(result.Diagnostics.Where(d => d.Severity == Core.Diagnostics.Severity.Warning));
        var project = result.GetProjectOrThrow();
        if (!place || !Core.Hosts.ServicePlacement.IsMultiHost(project)) return project;
        FileProject = project;
        // A service moved by `composer move` runs where its containers' labels say, not where the file put it.
        project = Core.Hosts.ObservedPlacement.Apply(project, MovedServices(project));
        project = Core.Hosts.AmbassadorExpansion.Expand(project);
        Placement = Core.Hosts.Placement.Of(project);
        return project;
    }

    /// <summary>A multi-host project as the file has it, before <see cref="Core.Hosts.ObservedPlacement"/> and ambassadors (<c>composer move</c>).</summary>
    public Project? FileProject { get; private set; }

    /// <summary>
    /// The services whose containers run on another host than the file says (<see cref="Core.Hosts.ObservedPlacement"/>),
    /// read from every engine of the file's hosts; an engine that does not answer within a few seconds says nothing.
    /// </summary>
    private static IReadOnlyDictionary<string, string> MovedServices(Project project)
    {
        var placement = Core.Hosts.Placement.Of(Core.Hosts.AmbassadorExpansion.Expand(project));
        var containers = Task.Run(async () =>
        {
            var found = new List<Core.Engine.ObservedContainer>();
            await Task.WhenAll(placement.Hosts.Select(async host =>
            {
                try
                {
                    using var engine = Composer.Docker.DockerEngine.Connect(host.Value);
                    using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    var state = await engine.ObserveAsync(new Core.Engine.ObserveRequest(project.Name) { IncludeOneOff = false }, quick.Token).ConfigureAwait(false);
                    lock (found) found.AddRange(state.Containers.Select(c => c.Labels.ContainsKey(Core.Model.HostLabels.Host) ? c : c with { Labels = c.Labels.SetItem(Core.Model.HostLabels.Host, host.Key) }));
                }
                catch (Exception e) when (e is Core.Engine.EngineException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException or TimeoutException)
                {
                    // Unreachable: its services keep the file's placement (watch reports the host).
                }
            })).ConfigureAwait(false);
            return found;
        }).GetAwaiter().GetResult();
        return Core.Hosts.ObservedPlacement.Moved(project, containers);
    }

    /// <summary>The project name given before any file is read (-p, then COMPOSE_PROJECT_NAME), as typed.</summary>
    public string? GivenProjectName(ParseResult parse) =>
        parse.GetValue(ProjectName) ?? System.Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME");

    /// <summary>
    /// The project name for commands that can work without a file (down, ps, logs): -p, COMPOSE_PROJECT_NAME, or the
    /// loaded file's. Returns the loaded project too, when there is one.
    /// </summary>
    public (string Name, Project? Project) ResolveProject(ParseResult parse)
    {
        var explicitName = GivenProjectName(parse);
        var options = ProjectOptions(parse);
        var loader = new ProjectLoader(validated: DiskValidationCache.ForUser());
        if (explicitName is not null && parse.GetValue(File) is not { Length: > 0 })
        {
            // With only a name, the file is optional: use it when it is there, as Compose does.
            var probe = new Core.Diagnostics.DiagnosticBag();
            if (loader.FindConfigFiles(options, probe).Count == 0)
            {
                var (name, problem) = Project.FromGivenName(explicitName);
                return name is not null ? (name, null) : throw new UsageException(problem!);
            }
        }
        // These commands act on existing containers: env_files are not read, as Compose's projectOrName discards them.
        var project = LoadProject(parse, createsContainers: false);
        return (project.Name, project);
    }

    /// <summary><see cref="ResolveProject"/> as the use cases take it: loaded (and its warnings printed) once per command.</summary>
    public ProjectTarget ResolveTarget(ParseResult parse, IEnumerable<string>? services = null)
    {
        var (name, project) = ResolveProject(parse);
        if (project is not null) RequireServices(project, services ?? []);
        return new ProjectTarget(name, project);
    }

    /// <summary>Services named on the command line must be the file's: exit 2 otherwise.</summary>
    public static void RequireServices(Project project, IEnumerable<string> services)
    {
        foreach (var s in services.Where(s => !project.Services.ContainsKey(s))) throw new UsageException($"no such service: {s}");
    }

    public int ParallelLimit(ParseResult parse)
    {
        var value = parse.GetValue(Parallel);
        if (value is null && int.TryParse(System.Environment.GetEnvironmentVariable("COMPOSE_PARALLEL_LIMIT"), out var env)) value = env;
        return value is null or < 0 ? 0 : value.Value;
    }
}
