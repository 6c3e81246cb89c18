using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Connections;

/// <summary>Pattern 2: examples/names-aliases. Traffic stays on the project's own network.</summary>
public class NamesAndAliasesTests
{
    [Fact]
    public async Task Client_finds_the_backend_by_name_and_aliases_again_after_it_restarts_on_a_new_address_and_after_a_recreate()
    {
        await using var project = await Examples.CopyAsync("names-aliases", "names");
        var v1 = new Dictionary<string, string> { ["BACKEND_VERSION"] = "1" };
        await project.RunOkAsync(v1, "up", "-d");
        var network = $"{project.Name}_back";

        foreach (var name in new[] { "backend", "api", "api.internal" })
        {
            var answer = await Eventually.Until(() => project.ExecAsync("client", "wget", "-qO-", $"http://{name}/"), r => r.ExitCode == 0, $"{name} to answer");
            answer.Output.Should().Contain("backend version 1");
        }
        var client = await project.InspectAsync("client");
        // Restart the backend on a different address.
        var (oldAddress, newAddress, placeholder) = await project.RestartOnNewAddressAsync("backend", network);

        var afterRestart = await Eventually.Until(() => project.ExecAsync("client", "wget", "-qO-", "http://api/"),
            r => r.Output.Contains($"at {newAddress}"), "the client to reach the backend at its new address by alias");
        afterRestart.Output.Should().Contain("backend version 1");
        await (await Engine.ClientAsync()).Containers.RemoveContainerAsync(placeholder, new ContainerRemoveParameters { Force = true });

        // Recreate: only the backend's configuration changes, so only the backend is replaced.
        var v2 = new Dictionary<string, string> { ["BACKEND_VERSION"] = "2" };
        var up = await project.RunOkAsync(v2, "up", "-d");
        up.Stderr.Should().NotContain($"{project.Name}-client-1  Recreate");
        await Eventually.Until(() => project.ExecAsync("client", "wget", "-qO-", "http://api.internal/"),
            r => r.Output.Contains("backend version 2"), "the client to reach the recreated backend by alias");
        await Eventually.Until(() => project.LogsAsync("client"), l => l.Contains("api says: backend version 2"), "the client's own loop to see the new backend");

        var clientAfter = await project.InspectAsync("client");
        clientAfter.ID.Should().Be(client.ID, "the client is never recreated");
        clientAfter.State.StartedAt.Should().Be(client.State.StartedAt, "the client is never restarted");
        clientAfter.Config.Env.Should().NotContain(e => e.Contains(oldAddress), "the client holds no address");
    }
}
