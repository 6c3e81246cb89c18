using System.Collections.Immutable;
using System.CommandLine;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class UpCommand
{
    public static Command Create(GlobalOptions global)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Detached mode: Run containers in the background" };
        var forceRecreate = new Option<bool>("--force-recreate") { Description = "Recreate containers even if their configuration and image haven't changed" };
        var noRecreate = new Option<bool>("--no-recreate") { Description = "If containers already exist, don't recreate them" };
        var noDeps = new Option<bool>("--no-deps") { Description = "Don't start linked services" };
        var renewAnonVolumes = new Option<bool>("--renew-anon-volumes", "-V") { Description = "Recreate anonymous volumes instead of retrieving data from the previous containers" };
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
        foreach (var o in new Option[] { detach, forceRecreate, noRecreate, noDeps, renewAnonVolumes, noStart, removeOrphans, timeout, scale, wait, waitTimeout, build, noBuild, watch, dashboard }) command.Add(o);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            if (parse.GetValue(forceRecreate) && parse.GetValue(noRecreate))
                throw new UsageException("--force-recreate and --no-recreate are incompatible");
            var selected = parse.GetValue(services) ?? [];
            var dashboardAsked = parse.GetValue(dashboard);
            var early = dashboardAsked ? null : CompositionRoot.ConnectEarly(global, parse, ct, observe: true);
            var project = global.LoadProject(parse, selected);
            var options = new UpOptions
            {
                Services = [.. selected],
                ForceRecreate = parse.GetValue(forceRecreate),
                NoRecreate = parse.GetValue(noRecreate),
                NoDeps = parse.GetValue(noDeps),
                RenewAnonVolumes = parse.GetValue(renewAnonVolumes),
                NoStart = parse.GetValue(noStart),
                RemoveOrphans = parse.GetValue(removeOrphans),
                Timeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
                Scale = ParseScale(parse.GetValue(scale) ?? [], project),
            };
            if (parse.GetValue(build) && parse.GetValue(noBuild)) throw new UsageException("--build and --no-build are incompatible");
            var request = new UpRequest(project, options)
            {
                Build = parse.GetValue(noBuild) ? BuildPolicy.Never : parse.GetValue(build) ? BuildPolicy.Always : BuildPolicy.Missing,
                Wait = parse.GetValue(wait),
                WaitTimeout = parse.GetValue(waitTimeout) is > 0 and var w ? TimeSpan.FromSeconds(w) : null,
                Watch = parse.GetValue(watch),
                Attach = !parse.GetValue(detach),
            };
            if (dashboardAsked) return await DashboardCommand.UpThenServeAsync(global, parse, request, ct);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct, early: early, project: project.Name);
            using var backstop = parse.GetValue(watch) ? WatchCommand.Backstop(ct) : null;
            return Exit(await actions.UpAsync(request, ct));
        }));
        return command;
    }

    public static int Exit(UpOutcome outcome) => outcome switch
    {
        UpOutcome.Succeeded => ExitCodes.Ok,
        UpOutcome.Interrupted => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
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
