using System.CommandLine;
using Composer.Core.Engine;
using Composer.Core.Planning;

namespace Composer.Cli.Commands;

internal static class DownCommand
{
    public static Command Create(GlobalOptions global)
    {
        var volumes = new Option<bool>("--volumes", "-v") { Description = "Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes attached to containers" };
        var removeOrphans = new Option<bool>("--remove-orphans") { Description = "Remove containers for services not defined in the Compose file" };
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Specify a shutdown timeout in seconds" };
        var command = new Command("down", "Stop and remove containers, networks");
        foreach (var o in new Option[] { volumes, removeOrphans, timeout }) command.Add(o);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, project) = global.ResolveProject(parse);
            using var engine = await GlobalOptions.ConnectAsync(ct);
            using var projectLock = await ProjectLock.AcquireAsync(name, ct);
            var observed = await engine.ObserveAsync(new ObserveRequest(name), ct);
            var plan = Planner.PlanDown(project, observed, new DownOptions
            {
                RemoveVolumes = parse.GetValue(volumes),
                RemoveOrphans = parse.GetValue(removeOrphans),
                Timeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
            });
            return await PlanRunner.RunAsync(plan, engine, global, parse, ct);
        }));
        return command;
    }
}
