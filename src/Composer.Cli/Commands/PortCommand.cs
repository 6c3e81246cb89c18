using System.CommandLine;
using Composer.Core.Engine;

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
            var svc = parse.GetValue(service)!;
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var observed = await engine.ObserveAsync(new ObserveRequest(name) { IncludeOneOff = false }, ct);
            var container = observed.Containers.FirstOrDefault(c => c.Service == svc && c.Number == parse.GetValue(index))
                ?? throw new EngineException($"service \"{svc}\" has no container {parse.GetValue(index)}");
            var key = $"{parse.GetValue(port)}/{parse.GetValue(protocol)}";
            var bindings = await engine.PortBindingsAsync(container.Name, ct);
            if (!bindings.TryGetValue(key, out var list) || list.Count == 0)
                throw new EngineException($"no port {key} for container {container.Name}");
            var (ip, hostPort) = list[0];
            Console.WriteLine($"{(ip.Length == 0 ? "0.0.0.0" : ip)}:{hostPort}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
