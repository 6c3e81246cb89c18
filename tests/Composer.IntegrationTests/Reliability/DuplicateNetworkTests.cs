using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Reliability;

/// <summary>Issue 12, case 2: never a second network of a name; duplicates already there are reported and repaired.</summary>
public class DuplicateNetworkTests
{
    private const string Compose = """
        services:
          a:
            image: composer-busybox:1
            init: true
            command: ["sleep", "2147483647"]
        """;

    private static async Task<List<NetworkResponse>> NamedAsync(string name)
    {
        var client = await Engine.ClientAsync();
        var all = await client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        });
        return [.. all.Where(n => n.Name == name)];
    }

    [Fact]
    public async Task A_network_name_taken_by_a_foreign_network_is_an_error_naming_it_never_a_second_network()
    {
        await using var project = await TestProject.CreateAsync("dupforeign", Compose);
        var client = await Engine.ClientAsync();
        var name = $"{project.Name}_default";
        var foreign = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name });
        try
        {
            var up = await project.RunAsync("up", "-d");
            up.ExitCode.Should().Be(1, up.ToString());
            up.Stderr.Should().Contain($"network {name} already exists").And.Contain("was not created by Composer");
            up.Stderr.Should().NotContain("   at ");
            (await NamedAsync(name)).Should().ContainSingle().Which.ID.Should().Be(foreign.ID);
        }
        finally { await client.Networks.DeleteNetworkAsync(foreign.ID); }
    }
}
