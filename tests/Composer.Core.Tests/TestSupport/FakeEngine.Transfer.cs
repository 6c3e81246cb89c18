using System.Collections.Concurrent;
using System.Text;
using Composer.Core.Engine;

namespace Composer.Core.Tests.TestSupport;

/// <summary>The transfer port in memory: files written are recorded, a volume's content is a string, an image its name.</summary>
public sealed partial class FakeEngine : IEngineTransfer
{
    /// <summary>Volume name → its content.</summary>
    public ConcurrentDictionary<string, string> VolumeContent { get; } = new();
    /// <summary>Container name → the files written into it (path → content), the latest last.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, string>> WrittenFiles { get; } = new();

    public Task WriteFilesAsync(string container, IReadOnlyList<InjectedFile> files, CancellationToken cancellationToken) =>
        Call($"write {container} {string.Join(",", files.Select(f => f.Content.Trim()))}", () =>
        {
            if (!Containers.ContainsKey(container)) throw new EngineException($"No such container: {container}");
            foreach (var file in files) WrittenFiles.GetOrAdd(container, _ => new())[file.Path] = file.Content;
        });

    public async Task ExportVolumeAsync(string volume, string helperImage, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        var content = "";
        await Call($"export volume {volume}", () =>
        {
            if (!Volumes.ContainsKey(volume)) throw new EngineException($"No such volume: {volume}");
            if (!Images.ContainsKey(helperImage)) throw new EngineException($"No such image: {helperImage}");
            content = VolumeContent.GetValueOrDefault(volume, "");
        });
        await read(new MemoryStream(Encoding.UTF8.GetBytes(content)), cancellationToken);
    }

    public async Task ImportVolumeAsync(string volume, string helperImage, Stream content, CancellationToken cancellationToken)
    {
        var text = await new StreamReader(content).ReadToEndAsync(cancellationToken);
        await Call($"import volume {volume}", () =>
        {
            if (!Volumes.ContainsKey(volume)) throw new EngineException($"No such volume: {volume}");
            if (!Images.ContainsKey(helperImage)) throw new EngineException($"No such image: {helperImage}");
            VolumeContent[volume] = text;
        });
    }

    public async Task ExportImageAsync(string image, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        await Call($"export image {image}", () =>
        {
            if (!Images.ContainsKey(image)) throw new EngineException($"No such image: {image}");
        });
        await read(new MemoryStream(Encoding.UTF8.GetBytes(image + "=" + Images[image])), cancellationToken);
    }

    public async Task ImportImageAsync(Stream content, CancellationToken cancellationToken)
    {
        var parts = (await new StreamReader(content).ReadToEndAsync(cancellationToken)).Split('=', 2);
        await Call($"import image {parts[0]}", () => Images[parts[0]] = parts[1]);
    }
}
