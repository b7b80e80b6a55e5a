using System.Globalization;
using System.Text;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// Gives the ARM expressions a deployment snapshot leaves (values Azure knows only at deployment
/// time) the values a deployment gives them, in the shape Azure returns: a client id, a vault URI
/// built from the vault's name, a namespace's Service Bus endpoint... Understands what the snapshot
/// of infra/main.bicep leaves: <c>reference(id, apiVersion)</c> with property and index access,
/// <c>format</c>, <c>replace</c>, <c>split</c> and string and integer literals; a string that is
/// not an expression is returned as it is. Anything else is refused, naming the expression.
/// </summary>
internal static class ArmRuntimeValues
{
    public const string ClientId = "11111111-2222-3333-4444-555555555555";

    /// <summary>What Azure returns for a resource's runtime properties, by resource type; the argument is the resource's name.</summary>
    private static readonly Dictionary<string, Func<string, Dictionary<string, object>>> Samples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.ManagedIdentity/userAssignedIdentities"] = name => new() { ["clientId"] = ClientId, ["principalId"] = PrincipalIdOf(name) },
        ["Microsoft.Insights/components"] = _ => new() { ["ConnectionString"] = "InstrumentationKey=66666666-7777-8888-9999-000000000000;IngestionEndpoint=https://japaneast-1.in.applicationinsights.azure.com/" },
        ["Microsoft.KeyVault/vaults"] = name => new() { ["vaultUri"] = $"https://{name}.vault.azure.net/" },
        ["Microsoft.ServiceBus/namespaces"] = name => new() { ["serviceBusEndpoint"] = $"https://{name}.servicebus.windows.net:443/" },
        ["Microsoft.Storage/storageAccounts"] = name => new()
        {
            ["primaryEndpoints"] = new Dictionary<string, object>
            {
                ["blob"] = $"https://{name}.blob.core.windows.net/",
                ["table"] = $"https://{name}.table.core.windows.net/",
            },
        },
        ["Microsoft.Web/sites"] = name => new() { ["defaultHostName"] = $"{name}.azurewebsites.net" },
    };

    /// <summary>The value of a snapshot value: itself, or the evaluated expression.</summary>
    public static string Evaluate(string value)
    {
        if (!value.StartsWith('[') || value.StartsWith("[[", StringComparison.Ordinal))
        {
            return value;
        }

        var parser = new Parser(value[1..^1], value);
        var result = parser.ParseExpression();
        parser.ExpectEnd();
        return result as string ?? throw new InvalidDataException($"{value} is not a string.");
    }

    /// <summary>The resource id of the resource whose runtime property a value is (<c>[reference('id', …).property]</c>); null otherwise.</summary>
    public static string? ReferencedResource(string value)
    {
        const string Prefix = "[reference('";
        return value.StartsWith(Prefix, StringComparison.Ordinal) ? value[Prefix.Length..value.IndexOf('\'', Prefix.Length)] : null;
    }

    /// <summary>The type of a resource id: Microsoft.Storage/storageAccounts/blobServices/containers for …/storageAccounts/a/blobServices/default/containers/b.</summary>
    public static string ResourceType(string resourceId)
    {
        var path = resourceId[(resourceId.LastIndexOf("/providers/", StringComparison.OrdinalIgnoreCase) + "/providers/".Length)..].Split('/');
        return string.Join('/', new[] { path[0], path[1] }.Concat(path.Skip(3).Where((_, i) => i % 2 == 0)));
    }

    /// <summary>The principal id the sample deployment gives an identity: a GUID drawn from its name.</summary>
    public static string PrincipalIdOf(string identityName) =>
        new Guid(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(identityName))).ToString();

    private sealed class Parser(string text, string whole)
    {
        private int _position;

        public object ParseExpression()
        {
            var value = ParsePrimary();
            while (true)
            {
                SkipSpaces();
                if (Peek('.'))
                {
                    _position++;
                    value = Property(value, ParseName());
                }
                else if (Peek('['))
                {
                    _position++;
                    var index = ParseExpression();
                    Expect(']');
                    value = Index(value, index);
                }
                else
                {
                    return value;
                }
            }
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position != text.Length)
            {
                throw Unsupported($"unexpected '{text[_position..]}'");
            }
        }

        private object ParsePrimary()
        {
            SkipSpaces();
            if (Peek('\''))
            {
                return ParseString();
            }

            if (_position < text.Length && char.IsDigit(text[_position]))
            {
                var start = _position;
                while (_position < text.Length && char.IsDigit(text[_position]))
                {
                    _position++;
                }

                return long.Parse(text[start.._position], CultureInfo.InvariantCulture);
            }

            var name = ParseName();
            Expect('(');
            List<object> arguments = [];
            SkipSpaces();
            if (!Peek(')'))
            {
                do
                {
                    arguments.Add(ParseExpression());
                    SkipSpaces();
                }
                while (TryTake(','));
            }

            Expect(')');
            return Call(name, arguments);
        }

        private object Call(string name, List<object> arguments) => name switch
        {
            "reference" when arguments is [string id, ..] => Reference(id),
            "format" when arguments is [string format, .. var values] => Format(format, values),
            "replace" when arguments is [string value, string from, string to] => value.Replace(from, to, StringComparison.Ordinal),
            "split" when arguments is [string value, string separator] => value.Split(separator).Cast<object>().ToList(),
            _ => throw Unsupported($"the function {name} with {arguments.Count} argument(s)"),
        };

        private object Reference(string resourceId)
        {
            var type = ResourceType(resourceId);
            return Samples.TryGetValue(type, out var sample)
                ? sample(resourceId.Split('/')[^1])
                : throw Unsupported($"a runtime value of {type}: add what Azure returns for it to {nameof(ArmRuntimeValues)}");
        }

        private static string Format(string format, List<object> values)
        {
            var result = new StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '{')
                {
                    result.Append('{');
                    i++;
                }
                else if (format[i] == '}' && i + 1 < format.Length && format[i + 1] == '}')
                {
                    result.Append('}');
                    i++;
                }
                else if (format[i] == '{')
                {
                    var end = format.IndexOf('}', i);
                    result.Append(values[int.Parse(format[(i + 1)..end], CultureInfo.InvariantCulture)]);
                    i = end;
                }
                else
                {
                    result.Append(format[i]);
                }
            }

            return result.ToString();
        }

        private object Property(object value, string name) =>
            value is Dictionary<string, object> properties && properties.TryGetValue(name, out var property)
                ? property
                : throw Unsupported($"the property {name}");

        private object Index(object value, object index) =>
            value is List<object> items && index is long i && i < items.Count ? items[(int)i] : throw Unsupported($"the index {index}");

        private string ParseString()
        {
            Expect('\'');
            var result = new StringBuilder();
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw Unsupported("an unterminated string");
                }

                if (text[_position] == '\'')
                {
                    if (_position + 1 < text.Length && text[_position + 1] == '\'')
                    {
                        result.Append('\'');
                        _position += 2;
                        continue;
                    }

                    _position++;
                    return result.ToString();
                }

                result.Append(text[_position++]);
            }
        }

        private string ParseName()
        {
            SkipSpaces();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Unsupported("a missing name");
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && text[_position] == ' ')
            {
                _position++;
            }
        }

        private bool Peek(char c) => _position < text.Length && text[_position] == c;

        private bool TryTake(char c)
        {
            SkipSpaces();
            if (!Peek(c))
            {
                return false;
            }

            _position++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Unsupported($"a missing '{c}' at {_position}");
            }
        }

        private InvalidDataException Unsupported(string what) =>
            new($"{nameof(ArmRuntimeValues)} cannot evaluate {whole}: {what}.");
    }
}
