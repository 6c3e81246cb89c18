using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class StopCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Specify a shutdown timeout in seconds" };
        var command = new Command("stop", "Stop services") { services, timeout };
        command.SetAction((parse, ct) => Lifecycle.RunAsync(global, parse, services, ct,
            (actions, target, wanted) => actions.StopAsync(new StopRequest(target, wanted, Lifecycle.Timeout(parse, timeout)), ct)));
        return command;
    }
}
