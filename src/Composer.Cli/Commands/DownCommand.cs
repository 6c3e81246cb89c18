using System.CommandLine;
using Composer.Core.Planning;
using Composer.Core.UseCases;

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
            var early = CompositionRoot.ConnectEarly(global, parse, ct);
            var target = global.ResolveTarget(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct, early: early);
            return Lifecycle.Exit(await actions.DownAsync(new DownRequest(target, new DownOptions
            {
                RemoveVolumes = parse.GetValue(volumes),
                RemoveOrphans = parse.GetValue(removeOrphans),
                Timeout = Lifecycle.Timeout(parse, timeout),
            }), ct));
        }));
        return command;
    }
}
