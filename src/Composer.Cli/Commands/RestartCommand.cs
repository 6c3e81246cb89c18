using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class RestartCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Specify a shutdown timeout in seconds" };
        var command = new Command("restart", "Restart service containers") { services, timeout };
        command.SetAction((parse, ct) => Lifecycle.RunAsync(global, parse, services, ct,
            (actions, target, wanted) => actions.RestartAsync(new StopRequest(target, wanted, Lifecycle.Timeout(parse, timeout)), ct)));
        return command;
    }
}
