using System.CommandLine;
using System.Text.Json;
using Composer.Core.Model;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>The Compose projects on this engine, from the labels of their containers (one list call).</summary>
internal static class LsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all stopped Compose projects" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display project names" };
        var format = new Option<string>("--format") { Description = "Format the output. Values: [table | json]", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("ls", "List running compose projects") { all, quiet, format };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var projects = await actions.ListProjectsAsync(parse.GetValue(all), ct);
            if (parse.GetValue(quiet))
                foreach (var p in projects) Console.WriteLine(p.Name);
            else if (parse.GetValue(format) == "json")
                Console.WriteLine(JsonTree.Serialize(projects.Select(p => new Dictionary<string, string> { ["Name"] = p.Name, ["Status"] = p.Status, ["ConfigFiles"] = p.ConfigFiles })));
            else
                Table.Write(Console.Out, ["NAME", "STATUS", "CONFIG FILES"], projects.Select(p => new[] { p.Name, p.Status, p.ConfigFiles }));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
