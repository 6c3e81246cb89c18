using System.CommandLine;
using Composer.Core.Planning;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class KillCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var signal = new Option<string>("--signal", "-s") { Description = "SIGNAL to send to the container", DefaultValueFactory = _ => "SIGKILL" };
        var removeOrphans = new Option<bool>("--remove-orphans") { Description = "Remove containers for services not defined in the Compose file" };
        var command = new Command("kill", "Force stop service containers") { services, signal, removeOrphans };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var projectLock = await Lifecycle.LockAsync(global, parse, ct);
            var (engine, observed, wanted) = await Lifecycle.ObserveAsync(global, parse, services, ct);
            using (engine)
                return await PlanRunner.RunAsync(CommandPlanner.PlanKill(observed, wanted, parse.GetValue(signal) ?? "SIGKILL"), engine, global, parse, ct);
        }));
        return command;
    }
}
