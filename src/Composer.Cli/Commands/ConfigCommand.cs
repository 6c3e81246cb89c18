using System.CommandLine;
using Composer.Core.Model;

namespace Composer.Cli.Commands;

internal static class ConfigCommand
{
    public static Command Create(GlobalOptions global)
    {
        var format = new Option<string>("--format") { Description = "Format the output. Values: [yaml | json]", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only validate the configuration, don't print anything" };
        var services = new Option<bool>("--services") { Description = "Print the service names, one per line" };
        var volumes = new Option<bool>("--volumes") { Description = "Print the volume names, one per line" };
        var networks = new Option<bool>("--networks") { Description = "Print the network names, one per line" };
        var profiles = new Option<bool>("--profiles") { Description = "Print the profile names, one per line" };
        var images = new Option<bool>("--images") { Description = "Print the image names, one per line" };
        var noInterpolate = new Option<bool>("--no-interpolate") { Description = "Don't interpolate environment variables" };
        var command = new Command("config", "Parse, resolve and render compose file in canonical format");
        foreach (var o in new Option[] { format, quiet, services, volumes, networks, profiles, images, noInterpolate }) command.Add(o);

        command.SetAction((parse, ct) => ComposerApp.Guard(() =>
        {
            var interpolate = !parse.GetValue(noInterpolate);
            var project = global.LoadProject(parse, interpolate: interpolate, place: false);
            if (parse.GetValue(quiet)) return Task.FromResult(ExitCodes.Ok);
            IEnumerable<string>? list =
                parse.GetValue(services) ? project.Services.Keys :
                parse.GetValue(volumes) ? project.Volumes.Keys :
                parse.GetValue(networks) ? project.Networks.Keys :
                parse.GetValue(profiles) ? project.Services.Values.Concat(project.DisabledServices.Values).SelectMany(s => s.Profiles).Distinct().Order(StringComparer.Ordinal) :
                parse.GetValue(images) ? project.Services.Values.Select(s => s.Image ?? $"{project.Name}-{s.Name}").Distinct() :
                null;
            if (list is not null) { foreach (var item in list) Console.WriteLine(item); return Task.FromResult(ExitCodes.Ok); }
            Console.Write(parse.GetValue(format) == "json" ? ProjectWriter.ToJson(project, interpolate) + "\n" : ProjectWriter.ToYaml(project, interpolate));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
