using System.Collections.Immutable;
using System.CommandLine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class UpCommand
{
    public static Command Create(GlobalOptions global)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Detached mode: Run containers in the background" };
        var forceRecreate = new Option<bool>("--force-recreate") { Description = "Recreate containers even if their configuration and image haven't changed" };
        var noRecreate = new Option<bool>("--no-recreate") { Description = "If containers already exist, don't recreate them" };
        var noDeps = new Option<bool>("--no-deps") { Description = "Don't start linked services" };
        var noStart = new Option<bool>("--no-start") { Description = "Don't start the services after creating them" };
        var removeOrphans = new Option<bool>("--remove-orphans") { Description = "Remove containers for services not defined in the Compose file" };
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Use this timeout in seconds for container shutdown when attached or when containers are already running" };
        var scale = new Option<string[]>("--scale") { Description = "Scale SERVICE to NUM instances (SERVICE=NUM)", Arity = ArgumentArity.ZeroOrMore };
        var watch = new Option<bool>("--watch") { Description = "After converging, keep the project whole: bring crashed containers back and relink their dependents (see `composer watch`)" };
        var build = new Option<bool>("--build") { Description = "Build images before starting containers" };
        var noBuild = new Option<bool>("--no-build") { Description = "Don't build an image, even if it's missing" };
        var wait = new Option<bool>("--wait") { Description = "Wait for services to be running|healthy. Implies detached mode." };
        var waitTimeout = new Option<int?>("--wait-timeout") { Description = "Maximum duration in seconds to wait for the project to be running|healthy" };
        var dashboard = new Option<bool>("--dashboard") { Description = "After converging, show the project in a local web page until Ctrl-C (see `composer dashboard`); with --watch, its incidents too" };
        var services = new Argument<string[]>("SERVICE") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("up", "Create and start containers");
        foreach (var o in new Option[] { detach, forceRecreate, noRecreate, noDeps, noStart, removeOrphans, timeout, scale, wait, waitTimeout, build, noBuild, watch, dashboard }) command.Add(o);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            if (parse.GetValue(forceRecreate) && parse.GetValue(noRecreate))
                throw new UsageException("--force-recreate and --no-recreate are incompatible");
            var selected = parse.GetValue(services) ?? [];
            var project = global.LoadProject(parse, selected);
            var options = new UpOptions
            {
                Services = [.. selected],
                ForceRecreate = parse.GetValue(forceRecreate),
                NoRecreate = parse.GetValue(noRecreate),
                NoDeps = parse.GetValue(noDeps),
                NoStart = parse.GetValue(noStart),
                RemoveOrphans = parse.GetValue(removeOrphans),
                Timeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
                Scale = ParseScale(parse.GetValue(scale) ?? [], project),
            };
            using var engine = await GlobalOptions.ConnectAsync(ct);
            // Observe and change under the project's lock: two ups at once leave one container per replica.
            var projectLock = await ProjectLock.AcquireAsync(project.Name, ct);
            var observed = await engine.ObserveAsync(ObserveRequestFor(project), ct);
            if (parse.GetValue(build) && parse.GetValue(noBuild)) throw new UsageException("--build and --no-build are incompatible");
            if (!parse.GetValue(noBuild))
            {
                // Images come first (all with --build, the missing ones otherwise), so the plan sees their new ids.
                var builds = BuildPlanner.PlanBuild(project, options.Services, options.NoDeps, onlyMissing: !parse.GetValue(build), observed.Images);
                if (!builds.IsEmpty)
                {
                    var built = await PlanRunner.RunAsync(builds, engine, global, parse, ct);
                    if (built != ExitCodes.Ok) return built;
                    observed = await engine.ObserveAsync(ObserveRequestFor(project), ct);
                }
            }
            var plan = Planner.PlanUp(project, observed, options);
            int exit;
            using (projectLock) exit = await PlanRunner.RunAsync(plan, engine, global, parse, ct);
            if (exit == ExitCodes.Ok && parse.GetValue(wait) && !options.NoStart)
            {
                exit = await WaitAsync(project, options, engine, global, parse, parse.GetValue(waitTimeout), ct);
                if (exit != ExitCodes.Ok || !parse.GetValue(watch)) return exit;
            }
            if (exit == ExitCodes.Ok && parse.GetValue(dashboard)) return await DashboardCommand.ServeAfterUpAsync(engine, project, parse.GetValue(watch), global.ParallelLimit(parse), ct);
            if (exit == ExitCodes.Ok && parse.GetValue(watch)) return await WatchCommand.RunAsync(engine, project, json: false, global.ParallelLimit(parse), ct);
            if (exit != ExitCodes.Ok || parse.GetValue(detach) || options.NoStart) return exit;
            return await Attached.FollowAsync(engine, project, options.Timeout, ct);
        }));
        return command;
    }

    /// <summary>--wait: every selected replica running, or healthy when it has a healthcheck; Compose's message on timeout.</summary>
    private static async Task<int> WaitAsync(Project project, UpOptions options, IEngine engine, GlobalOptions global, ParseResult parse, int? timeoutSeconds, CancellationToken ct)
    {
        var plan = WaitPlanner.PlanWait(project, options.Services, options.NoDeps, options.Scale);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeoutSeconds is > 0) deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds.Value));
        try
        {
            return await PlanRunner.RunAsync(plan, engine, global, parse, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Error: application not healthy after {TimeSpan.FromSeconds(timeoutSeconds!.Value):g}");
            return ExitCodes.Failure;
        }
    }

    public static ObserveRequest ObserveRequestFor(Project project) => new(project.Name)
    {
        Images = [.. project.Services.Values.Where(s => s.Image is not null || s.Build is not null).Select(s => BuildPlanner.ImageOf(project, s)).Distinct()],
        ExternalNetworks = [.. project.Networks.Values.Where(n => n.External).Select(n => n.Name)],
        ExternalVolumes = [.. project.Volumes.Values.Where(v => v.External).Select(v => v.Name)],
    };

    private static ImmutableDictionary<string, int> ParseScale(IEnumerable<string> values, Project project)
    {
        var result = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (eq <= 0 || !int.TryParse(value[(eq + 1)..], out var n) || n < 0)
                throw new UsageException($"invalid --scale \"{value}\": expected SERVICE=NUM");
            var name = value[..eq];
            if (!project.Services.ContainsKey(name)) throw new UsageException($"no such service: {name}");
            result[name] = n;
        }
        return result.ToImmutable();
    }
}

/// <summary>`up` without -d: follow every container's output until Ctrl-C, then stop the project, as Compose does.</summary>
internal static class Attached
{
    public static async Task<int> FollowAsync(DockerEngine engine, Project project, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(project.Name) { IncludeOneOff = false }, CancellationToken.None);
        var containers = observed.Containers.Where(c => project.Services.ContainsKey(c.Service)).ToList();
        Console.Error.WriteLine($"Attaching to {string.Join(", ", containers.Select(c => c.Name))}");
        try
        {
            await LogsCommand.StreamAsync(engine, containers, follow: true, tail: "all", timestamps: false, color: !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")), cancellationToken);
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Gracefully stopping... (press Ctrl+C again to force)");
            var stop = new Plan(containers.Where(c => c.IsRunning).Select(c =>
                new StopContainer(c.Name, timeout) { Id = $"stop:{c.Name}", Cause = "interrupted", Service = c.Service }));
            await new PlanExecutor(engine, new Output.ProgressPrinter(Console.Error, "plain")).ExecuteAsync(stop, CancellationToken.None);
            return ExitCodes.Interrupted;
        }
    }
}
