using Composer.Core.Model;

namespace Composer.Cli;

/// <summary>
/// Composer as a Docker CLI plugin (<c>~/.docker/cli-plugins/docker-composer</c>, scripts/install-plugin.sh). The
/// docker CLI asks a plugin for its metadata with the single argument <c>docker-cli-plugin-metadata</c>, and runs
/// <c>docker composer up -d</c> as <c>docker-composer composer up -d</c>: the plugin's name comes first.
/// </summary>
internal static class DockerCliPlugin
{
    public const string MetadataArgument = "docker-cli-plugin-metadata";

    /// <summary>Answers the metadata request (returns true), or strips the plugin name the docker CLI passes first.</summary>
    public static bool TryAnswer(ref string[] args)
    {
        if (args is [MetadataArgument])
        {
            // The fields the docker CLI reads (cli-plugins/metadata); SchemaVersion 0.1.0 is the one every client knows.
            Console.Out.WriteLine(JsonTree.Serialize(new Dictionary<string, object?>
            {
                ["SchemaVersion"] = "0.1.0",
                ["Vendor"] = "Composer contributors",
                ["Version"] = BuildInfo.Version,
                ["ShortDescription"] = "Composer: run Compose projects and keep them connected",
            }));
            return true;
        }
        // `composer composer …` means nothing else, so the name is dropped however the binary was reached.
        if (args is ["composer", ..]) args = args[1..];
        return false;
    }
}
