using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class KillCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var signal = new Option<string>("--signal", "-s") { Description = "SIGNAL to send to the container", DefaultValueFactory = _ => "SIGKILL" };
        var removeOrphans = new Option<bool>("--remove-orphans") { Description = "Remove containers for services not defined in the Compose file" };
        var command = new Command("kill", "Force stop service containers") { services, signal, removeOrphans };
        command.SetAction((parse, ct) => Lifecycle.RunAsync(global, parse, services, ct,
            (actions, target, wanted) => actions.KillAsync(new KillRequest(target, wanted, parse.GetValue(signal) ?? "SIGKILL", parse.GetValue(removeOrphans)), ct)));
        return command;
    }
}
