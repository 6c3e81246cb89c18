using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>The images the project's containers use: CONTAINER, REPOSITORY, TAG, IMAGE ID, SIZE.</summary>
internal static class ImagesCommand
{
    public static Command Create(GlobalOptions global)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display IDs" };
        var format = new Option<string>("--format") { Description = "Format the output. Values: [table | json]", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var services = Lifecycle.Services();
        var command = new Command("images", "List images used by the created containers") { quiet, format, services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var rows = await actions.ImagesAsync(new ServicesRequest(new ProjectTarget(name, null), parse.GetValue(services) ?? []), ct);
            if (parse.GetValue(quiet))
                foreach (var id in rows.Select(r => r.Id).Distinct()) Console.WriteLine(id);
            else if (parse.GetValue(format) == "json")
                Console.WriteLine(JsonTree.Serialize(rows.Select(r => new Dictionary<string, object>
                    { ["ContainerName"] = r.Container, ["Repository"] = r.Repository, ["Tag"] = r.Tag, ["ID"] = r.Id, ["Size"] = r.Size })));
            else
                Table.Write(Console.Out, ["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"],
                    rows.Select(r => new[] { r.Container, r.Repository, r.Tag, r.Id[..Math.Min(12, r.Id.Length)], HumanSize(r.Size) }));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Docker's decimal sizes with three significant digits: 2.05MB.</summary>
    internal static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1) { value /= 1000; unit++; }
        return value.ToString("G3", CultureInfo.InvariantCulture) + units[unit];
    }
}
