using System.Collections.Immutable;
using System.CommandLine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Cli.Commands;

/// <summary>
/// A one-off container for a service (<c>&lt;project&gt;-&lt;service&gt;-run-&lt;id&gt;</c>, labelled oneoff=True):
/// dependencies are brought up first (unless --no-deps), its output is shown, and its exit code is composer's.
/// </summary>
internal static class RunCommand
{
    public static Command Create(GlobalOptions global)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run container in background and print container ID" };
        var rm = new Option<bool>("--rm") { Description = "Automatically remove the container when it exits" };
        var noTty = new Option<bool>("--no-TTY", "-T") { Description = "Disable pseudo-TTY allocation (the only mode: output is never a TTY)" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables", Arity = ArgumentArity.ZeroOrMore };
        var name = new Option<string?>("--name") { Description = "Assign a name to the container" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var user = new Option<string?>("--user", "-u") { Description = "Run as specified username or uid" };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "Override the entrypoint of the image" };
        var noDeps = new Option<bool>("--no-deps") { Description = "Don't start linked services" };
        var service = new Argument<string>("SERVICE");
        var args = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("run", "Run a one-off command on a service") { detach, rm, noTty, env, name, workdir, user, entrypoint, noDeps, service, args };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var svc = parse.GetValue(service)!;
            var project = global.LoadProject(parse, [svc]);
            if (!project.Services.TryGetValue(svc, out var definition)) throw new UsageException($"no such service: {svc}");
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var projectLock = await ProjectLock.AcquireAsync(project.Name, ct);
            var observed = await engine.ObserveAsync(UpCommand.ObserveRequestFor(project), ct);

            // Networks, volumes and (unless --no-deps) dependencies as up would make them, but not the service's own containers.
            var up = Planner.PlanUp(project, observed, new UpOptions { Services = [svc], NoDeps = parse.GetValue(noDeps) });
            var own = up.Operations.Where(o => o.Service == svc && o is CreateContainer or StartContainer or StopContainer or RemoveContainer).Select(o => o.Id).ToHashSet();
            var ops = up.Operations.Where(o => !own.Contains(o.Id)).ToList();
            if (!parse.GetValue(noDeps))
                foreach (var (dep, d) in definition.DependsOn.Where(kv => kv.Value.Condition != DependencyCondition.Started && project.Services.ContainsKey(kv.Key)))
                {
                    var container = project.ContainerName(project.Services[dep], 1);
                    var id = $"wait:{container}:{d.Condition}";
                    if (ops.Any(o => o.Id == id)) continue;
                    ops.Add(new WaitContainer(container, d.Condition) { Id = id, Service = dep, Cause = $"{svc} depends on {dep} ({d.Condition})", After = ops.Any(o => o.Id == $"start:{container}") ? [$"start:{container}"] : [], Required = d.Required });
                }
            int exit;
            using (projectLock) exit = await PlanRunner.RunAsync(new Plan(ops, up.Warnings), engine, global, parse, ct);
            if (exit != ExitCodes.Ok) return exit;

            var imageId = definition.Image is null ? null : observed.Images.GetValueOrDefault(definition.Image);
            var spec = OneOff(project, definition, imageId, parse.GetValue(name), parse.GetValue(args) ?? [],
                ExecCommand.ExpandEnv(parse.GetValue(env) ?? []), parse.GetValue(workdir), parse.GetValue(user), parse.GetValue(entrypoint));
            await engine.CreateContainerAsync(spec, ct);
            try
            {
                await engine.StartContainerAsync(spec.Name, ct);
                if (parse.GetValue(detach))
                {
                    Console.WriteLine(spec.Name);
                    return ExitCodes.Ok;
                }
                await foreach (var line in engine.LogsAsync(spec.Name, follow: true, tail: "all", timestamps: false, ct))
                    (line.Stream == Docker.LogStream.Stderr ? Console.Error : Console.Out).WriteLine(line.Text);
                return (int)await engine.WaitExitAsync(spec.Name, ct);
            }
            finally
            {
                if (parse.GetValue(rm) && !parse.GetValue(detach))
                    await engine.RemoveContainerAsync(spec.Name, removeAnonymousVolumes: true, CancellationToken.None);
            }
        }));
        return command;
    }

    private static ContainerSpec OneOff(Project project, Service service, string? imageId, string? name, string[] command, IReadOnlyList<string> env,
        string? workdir, string? user, string? entrypoint)
    {
        var spec = ContainerSpecBuilder.Build(project, service, 1, ConfigHash.Compute(service), imageId);
        var environment = spec.Environment.Select(e => (Key: e.Split('=')[0], Line: e))
            .Where(e => !env.Any(v => v.Split('=')[0] == e.Key)).Select(e => e.Line).Concat(env).Order(StringComparer.Ordinal);
        return spec with
        {
            Name = name ?? $"{project.Name}-{service.Name}-run-{Guid.NewGuid().ToString("n")[..12]}",
            Labels = spec.Labels.SetItem(ComposeLabels.OneOff, "True").Remove(ConfigDiff.Label),
            Command = command.Length > 0 ? [.. command] : spec.Command,
            Entrypoint = entrypoint is null ? spec.Entrypoint : [entrypoint],
            Environment = [.. environment],
            WorkingDir = workdir ?? spec.WorkingDir,
            User = user ?? spec.User,
            // A one-off publishes no ports and answers to no service alias, as in Compose.
            Ports = [],
            PrimaryNetwork = spec.PrimaryNetwork is { } p ? p with { Aliases = [] } : null,
            ExtraNetworks = [.. spec.ExtraNetworks.Select(n => n with { Aliases = [] })],
            RestartPolicy = null,
        };
    }
}
