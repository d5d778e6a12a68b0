
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wiscan' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wiscan'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wiscan' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Collect, run the rules and report')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect only, and write the normalized inventory as a snapshot')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Draw who can become whom: the identity graph across clusters and clouds')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the rules, or explain one')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wiscan;scan' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Largest input file to read, in MiB (1 to 1048576)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile to collect from, one account each; repeatable (implies --aws)')
            [CompletionResult]::new('--aws-role-arn', '--aws-role-arn', [CompletionResultType]::ParameterName, 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)')
            [CompletionResult]::new('--aws-region', '--aws-region', [CompletionResultType]::ParameterName, 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]')
            [CompletionResult]::new('--gcp-org', '--gcp-org', [CompletionResultType]::ParameterName, 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable')
            [CompletionResult]::new('--gcp-folder', '--gcp-folder', [CompletionResultType]::ParameterName, 'Google Cloud folder (numeric ID) to collect from; repeatable')
            [CompletionResult]::new('--gcp-project', '--gcp-project', [CompletionResultType]::ParameterName, 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs')
            [CompletionResult]::new('--azure-subscription', '--azure-subscription', [CompletionResultType]::ParameterName, 'Azure subscription to collect from; repeatable (implies --azure)')
            [CompletionResult]::new('--azure-tenant', '--azure-tenant', [CompletionResultType]::ParameterName, 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]')
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--min-severity', '--min-severity', [CompletionResultType]::ParameterName, 'Hide findings below this severity')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when an unsuppressed finding is at or above SEVERITY [default: high; `none` never fails]')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Findings whose fingerprints are in FILE are suppressed and never fail the gate')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Write the fingerprints of this scan''s findings to FILE, for --baseline')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Run only these rules (ID or name); repeatable')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Do not run these rules (ID or name); repeatable')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: wiscan.toml in the working directory, if present]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time key ages are measured against (RFC 3339); for reproducible reports')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'Report unreadable inputs and failed sources but do not exit 2 for them')
            [CompletionResult]::new('--aws', '--aws', [CompletionResultType]::ParameterName, 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)')
            [CompletionResult]::new('--azure', '--azure', [CompletionResultType]::ParameterName, 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph')
            [CompletionResult]::new('--k8s', '--k8s', [CompletionResultType]::ParameterName, 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not list Secrets, and do not read ConfigMaps'' contents')
            [CompletionResult]::new('--sarif-include-suppressed', '--sarif-include-suppressed', [CompletionResultType]::ParameterName, 'SARIF: include suppressed and baselined findings, marked with `suppressions`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wiscan;collect' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Largest input file to read, in MiB (1 to 1048576)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile to collect from, one account each; repeatable (implies --aws)')
            [CompletionResult]::new('--aws-role-arn', '--aws-role-arn', [CompletionResultType]::ParameterName, 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)')
            [CompletionResult]::new('--aws-region', '--aws-region', [CompletionResultType]::ParameterName, 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]')
            [CompletionResult]::new('--gcp-org', '--gcp-org', [CompletionResultType]::ParameterName, 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable')
            [CompletionResult]::new('--gcp-folder', '--gcp-folder', [CompletionResultType]::ParameterName, 'Google Cloud folder (numeric ID) to collect from; repeatable')
            [CompletionResult]::new('--gcp-project', '--gcp-project', [CompletionResultType]::ParameterName, 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs')
            [CompletionResult]::new('--azure-subscription', '--azure-subscription', [CompletionResultType]::ParameterName, 'Azure subscription to collect from; repeatable (implies --azure)')
            [CompletionResult]::new('--azure-tenant', '--azure-tenant', [CompletionResultType]::ParameterName, 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]')
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the snapshot (`-` for standard output)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'Report unreadable inputs and failed sources but do not exit 2 for them')
            [CompletionResult]::new('--aws', '--aws', [CompletionResultType]::ParameterName, 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)')
            [CompletionResult]::new('--azure', '--azure', [CompletionResultType]::ParameterName, 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph')
            [CompletionResult]::new('--k8s', '--k8s', [CompletionResultType]::ParameterName, 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not list Secrets, and do not read ConfigMaps'' contents')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wiscan;map' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Largest input file to read, in MiB (1 to 1048576)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile to collect from, one account each; repeatable (implies --aws)')
            [CompletionResult]::new('--aws-role-arn', '--aws-role-arn', [CompletionResultType]::ParameterName, 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)')
            [CompletionResult]::new('--aws-region', '--aws-region', [CompletionResultType]::ParameterName, 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]')
            [CompletionResult]::new('--gcp-org', '--gcp-org', [CompletionResultType]::ParameterName, 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable')
            [CompletionResult]::new('--gcp-folder', '--gcp-folder', [CompletionResultType]::ParameterName, 'Google Cloud folder (numeric ID) to collect from; repeatable')
            [CompletionResult]::new('--gcp-project', '--gcp-project', [CompletionResultType]::ParameterName, 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs')
            [CompletionResult]::new('--azure-subscription', '--azure-subscription', [CompletionResultType]::ParameterName, 'Azure subscription to collect from; repeatable (implies --azure)')
            [CompletionResult]::new('--azure-tenant', '--azure-tenant', [CompletionResultType]::ParameterName, 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]')
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Map format: a table per identity and per ServiceAccount, JSON (schemas/map-v1.schema.json), Graphviz DOT, or a Mermaid flowchart (GitHub renders it in Markdown)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the map to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the map to FILE instead of standard output')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Keep what the ServiceAccounts and workloads of this namespace can become')
            [CompletionResult]::new('--in-cluster', '--in-cluster', [CompletionResultType]::ParameterName, 'Keep what the objects of this cluster (its name, or the input it was read from) can become (`--cluster NAME=PATH` links inputs to clusters, as in `scan`)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Keep who can become this identity (role ARN, service account email, client ID, or name)')
            [CompletionResult]::new('--path-to', '--path-to', [CompletionResultType]::ParameterName, 'List every path that ends at this identity')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'Report unreadable inputs and failed sources but do not exit 2 for them')
            [CompletionResult]::new('--aws', '--aws', [CompletionResultType]::ParameterName, 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)')
            [CompletionResult]::new('--azure', '--azure', [CompletionResultType]::ParameterName, 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph')
            [CompletionResult]::new('--k8s', '--k8s', [CompletionResultType]::ParameterName, 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not list Secrets, and do not read ConfigMaps'' contents')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wiscan;rules' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for the list')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wiscan;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto = on a terminal and without NO_COLOR')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Increase logging verbosity')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Decrease logging verbosity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wiscan;help' {
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Collect, run the rules and report')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect only, and write the normalized inventory as a snapshot')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Draw who can become whom: the identity graph across clusters and clouds')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the rules, or explain one')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wiscan;help;scan' {
            break
        }
        'wiscan;help;collect' {
            break
        }
        'wiscan;help;map' {
            break
        }
        'wiscan;help;rules' {
            break
        }
        'wiscan;help;completions' {
            break
        }
        'wiscan;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
