using System.Security.Cryptography;
using System.Text;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Remembers documents that passed schema validation, by fingerprint, so an unchanged file is not validated again on
/// every command. Validation is a pure function of the document and the validator, and the fingerprint covers both.
/// Only valid documents are remembered: an invalid one is validated, and its errors reported, every time.
/// </summary>
public interface IValidationCache
{
    bool Contains(string fingerprint);
    void Add(string fingerprint);
}

public static class ValidationFingerprint
{
    // The validator's identity: the schema text and this assembly's build (a new Composer may judge differently).
    private static readonly Lazy<byte[]> ValidatorIdentity = new(() =>
        SHA256.HashData(Encoding.UTF8.GetBytes(SchemaValidator.SchemaText + "\n" + typeof(SchemaValidator).Assembly.ManifestModule.ModuleVersionId)));

    /// <summary>SHA-256 of the validator's identity and the document exactly as the schema sees it (structure, keys, typed scalars).</summary>
    public static string Of(YNode document)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(ValidatorIdentity.Value);
        Append(hash, document);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, YNode node)
    {
        switch (node)
        {
            case YMapping m:
                Mark(hash, 'M', m.Entries.Count);
                foreach (var e in m.Entries)
                {
                    Text(hash, e.Key.Value);
                    Append(hash, e.Value);
                }
                break;
            case YSequence s:
                Mark(hash, 'S', s.Items.Count);
                foreach (var item in s.Items) Append(hash, item);
                break;
            case YScalar scalar:
                Mark(hash, 'V', (int)scalar.Kind);
                Text(hash, scalar.Value);
                break;
            default:
                Mark(hash, 'N', 0);
                break;
        }
    }

    private static void Mark(IncrementalHash hash, char kind, int count)
    {
        Span<byte> bytes = stackalloc byte[5];
        bytes[0] = (byte)kind;
        BitConverter.TryWriteBytes(bytes[1..], count);
        hash.AppendData(bytes);
    }

    // Length-prefixed, so no two different documents write the same bytes.
    private static void Text(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Mark(hash, 'T', bytes.Length);
        hash.AppendData(bytes);
    }
}
