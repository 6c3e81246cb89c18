using System.CommandLine;
using Composer.Core.Engine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>Prints the public address of a service's private port, e.g. <c>0.0.0.0:49153</c>.</summary>
internal static class PortCommand
{
    public static Command Create(GlobalOptions global)
    {
        var protocol = new Option<string>("--protocol") { Description = "tcp or udp", DefaultValueFactory = _ => "tcp" };
        var index = new Option<int>("--index") { Description = "Index of the container if service has multiple replicas", DefaultValueFactory = _ => 1 };
        var service = new Argument<string>("SERVICE");
        var port = new Argument<int>("PRIVATE_PORT");
        var command = new Command("port", "Print the public port for a port binding") { protocol, index, service, port };
        protocol.AcceptOnlyFromAmong("tcp", "udp", "sctp");
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            Console.WriteLine(await actions.PortAsync(new PortRequest(name, parse.GetValue(service)!, parse.GetValue(index), parse.GetValue(port), parse.GetValue(protocol) ?? "tcp"), ct));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
