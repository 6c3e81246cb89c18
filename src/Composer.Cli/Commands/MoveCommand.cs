using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary><c>composer move SERVICE --to HOST</c>: the service to another engine of x-composer.hosts, its consumers kept running.</summary>
internal static class MoveCommand
{
    public static Command Create(GlobalOptions global)
    {
        var service = new Argument<string>("SERVICE") { Description = "The service to move" };
        var to = new Option<string>("--to") { Description = "The host (a key of x-composer.hosts) to run it on", Required = true, HelpName = "HOST" };
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Shutdown timeout in seconds for the service's old container" };
        var command = new Command("move", "Move a service to another host of x-composer.hosts: its volumes copied, its ambassadors re-pointed, its consumers kept running")
        {
            service, to, timeout,
        };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var name = parse.GetValue(service)!;
            var host = parse.GetValue(to)!;
            global.LoadProject(parse);
            var project = global.FileProject ?? throw new UsageException("composer move needs hosts: the file defines no x-composer.hosts");
            GlobalOptions.RequireServices(project, [name]);
            if (!project.Hosts.ContainsKey(host) && host != Core.Model.HostSpec.Local)
                throw new UsageException($"no host \"{host}\" in x-composer.hosts (hosts: {string.Join(", ", project.Hosts.Keys)})");
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var request = new MoveRequest(project, name, host, parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null);
            return await actions.MoveAsync(request, ct) ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}
