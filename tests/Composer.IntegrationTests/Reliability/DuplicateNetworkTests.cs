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

    private static async Task<string> DuplicateAsync(TestProject project)
    {
        var client = await Engine.ClientAsync();
        var labels = new Dictionary<string, string> { ["com.docker.compose.project"] = project.Name, ["com.docker.compose.network"] = "default" };
        return (await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = $"{project.Name}_default", Labels = labels })).ID;
    }

    [Fact]
    public async Task Down_on_a_project_with_a_duplicated_network_removes_both_and_says_so()
    {
        await using var project = await TestProject.CreateAsync("dupdown", Compose);
        await project.RunOkAsync("up", "-d");
        await DuplicateAsync(project);
        (await NamedAsync($"{project.Name}_default")).Should().HaveCount(2);

        var down = await project.RunOkAsync("down", "-v");
        down.Stderr.Should().Contain($"network {project.Name}_default exists 2 times");
        (await NamedAsync($"{project.Name}_default")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Up_on_a_project_with_a_duplicated_network_repairs_it(bool alreadyUp)
    {
        await using var project = await TestProject.CreateAsync("dupup", Compose);
        if (alreadyUp) await project.RunOkAsync("up", "-d");
        else await DuplicateAsync(project);
        await DuplicateAsync(project);
        (await NamedAsync($"{project.Name}_default")).Should().HaveCount(2);

        var up = await project.RunOkAsync("up", "-d");
        up.Stderr.Should().Contain($"network {project.Name}_default exists 2 times");
        var left = (await NamedAsync($"{project.Name}_default")).Should().ContainSingle().Subject;
        var app = await project.InspectAsync("a");
        app.State.Running.Should().BeTrue();
        app.NetworkSettings.Networks[$"{project.Name}_default"].NetworkID.Should().Be(left.ID);
        (await project.RunOkAsync("up", "-d")).Stderr.Should().NotContain("exists 2 times");
    }
}
