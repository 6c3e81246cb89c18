using System.CommandLine;
using System.Text.Json;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>
/// `composer endpoints`: where every service of the project can be reached now (address on each network, exposed
/// and published ports), so a tool can find a service without links. Read from the engine at the moment it runs.
/// </summary>
internal static class EndpointsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var format = new Option<string>("--format") { Description = "Format the output. Values: [table | json]", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var services = new Argument<string[]>("SERVICE") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("endpoints", "List every service's current addresses and ports");
        command.Add(format);
        command.Add(services);

        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var rows = (await actions.EndpointsAsync(new ServicesRequest(new ProjectTarget(name, null), parse.GetValue(services) ?? []), ct))
                .Select(r => new Row(r.Container, r.Endpoints)).ToList();

            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonTree.Serialize(rows.Select(r => new Dictionary<string, object?>
                {
                    ["Service"] = r.Container.Service,
                    ["Name"] = r.Container.Name,
                    ["Host"] = PsCommand.HostOf(r.Container),
                    ["State"] = r.Container.State,
                    ["Networks"] = r.Endpoints.Addresses,
                    ["Ports"] = r.Endpoints.Ports,
                    ["Endpoints"] = r.Urls(),
                    ["Publishers"] = r.Container.Ports.Where(p => p.PublicPort is not null).Select(p => new Dictionary<string, object?>
                    {
                        ["URL"] = p.HostIp ?? "", ["TargetPort"] = p.PrivatePort, ["PublishedPort"] = p.PublicPort, ["Protocol"] = p.Type,
                    }),
                }), indented: true));
                return ExitCodes.Ok;
            }
            if (global.Placement is not null)
            {
                // Across engines the same network name and address exist once per host: the HOST column tells them apart.
                Table.Write(Console.Out, ["SERVICE", "NAME", "HOST", "NETWORK", "ADDRESS", "ENDPOINTS"],
                    rows.SelectMany(r => r.Endpoints.Addresses.Count == 0
                        ? [[r.Container.Service, r.Container.Name, PsCommand.HostOf(r.Container), "", "", r.Container.State]]
                        : r.Endpoints.Addresses.Select(a => new[]
                        {
                            r.Container.Service, r.Container.Name, PsCommand.HostOf(r.Container), a.Key, a.Value,
                            string.Join(",", LinkVariables.Endpoints(a.Value, r.Endpoints.Ports)),
                        })));
                return ExitCodes.Ok;
            }
            Table.Write(Console.Out, ["SERVICE", "NAME", "NETWORK", "ADDRESS", "ENDPOINTS"],
                rows.SelectMany(r => r.Endpoints.Addresses.Count == 0
                    ? [[r.Container.Service, r.Container.Name, "", "", r.Container.State]]
                    : r.Endpoints.Addresses.Select(a => new[]
                    {
                        r.Container.Service, r.Container.Name, a.Key, a.Value,
                        string.Join(",", LinkVariables.Endpoints(a.Value, r.Endpoints.Ports)),
                    })));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private sealed record Row(ObservedContainer Container, ContainerEndpoints Endpoints)
    {
        public IEnumerable<string> Urls() => Endpoints.Addresses.Values.Distinct().SelectMany(a => LinkVariables.Endpoints(a, Endpoints.Ports));
    }
}
