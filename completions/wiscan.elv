
use builtin;
use str;

set edit:completion:arg-completer[wiscan] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wiscan'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wiscan'= {
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand scan 'Collect, run the rules and report'
            cand collect 'Collect only, and write the normalized inventory as a snapshot'
            cand map 'Draw who can become whom: the identity graph across clusters and clouds'
            cand rules 'List the rules, or explain one'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wiscan;scan'= {
            cand --from 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots'
            cand --max-input-size 'Largest input file to read, in MiB (1 to 1048576)'
            cand --cluster 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan'
            cand --aws-profile 'AWS profile to collect from, one account each; repeatable (implies --aws)'
            cand --aws-role-arn 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)'
            cand --aws-region 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]'
            cand --gcp-org 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable'
            cand --gcp-folder 'Google Cloud folder (numeric ID) to collect from; repeatable'
            cand --gcp-project 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs'
            cand --azure-subscription 'Azure subscription to collect from; repeatable (implies --azure)'
            cand --azure-tenant 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]'
            cand --kube-context 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)'
            cand --timeout 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)'
            cand --shard 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read'
            cand --format 'Report format'
            cand -o 'Write the report to FILE instead of standard output'
            cand --output 'Write the report to FILE instead of standard output'
            cand --min-severity 'Hide findings below this severity'
            cand --fail-on 'Exit 1 when an unsuppressed finding is at or above SEVERITY [default: high; `none` never fails]'
            cand --baseline 'Findings whose fingerprints are in FILE are suppressed and never fail the gate'
            cand --write-baseline 'Write the fingerprints of this scan''s findings to FILE, for --baseline'
            cand --select 'Run only these rules (ID or name); repeatable'
            cand --ignore 'Do not run these rules (ID or name); repeatable'
            cand --config 'Configuration file [default: wiscan.toml in the working directory, if present]'
            cand --now 'The time key ages are measured against (RFC 3339); for reproducible reports'
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand --allow-partial 'Report unreadable inputs and failed sources but do not exit 2 for them'
            cand --aws 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
            cand --azure 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph'
            cand --k8s 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
            cand --no-secrets 'Do not list Secrets, and do not read ConfigMaps'' contents'
            cand --sarif-include-suppressed 'SARIF: include suppressed and baselined findings, marked with `suppressions`'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wiscan;collect'= {
            cand --from 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots'
            cand --max-input-size 'Largest input file to read, in MiB (1 to 1048576)'
            cand --cluster 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan'
            cand --aws-profile 'AWS profile to collect from, one account each; repeatable (implies --aws)'
            cand --aws-role-arn 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)'
            cand --aws-region 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]'
            cand --gcp-org 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable'
            cand --gcp-folder 'Google Cloud folder (numeric ID) to collect from; repeatable'
            cand --gcp-project 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs'
            cand --azure-subscription 'Azure subscription to collect from; repeatable (implies --azure)'
            cand --azure-tenant 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]'
            cand --kube-context 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)'
            cand --timeout 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)'
            cand --shard 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read'
            cand --out 'Where to write the snapshot (`-` for standard output)'
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand --allow-partial 'Report unreadable inputs and failed sources but do not exit 2 for them'
            cand --aws 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
            cand --azure 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph'
            cand --k8s 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
            cand --no-secrets 'Do not list Secrets, and do not read ConfigMaps'' contents'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wiscan;map'= {
            cand --from 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots'
            cand --max-input-size 'Largest input file to read, in MiB (1 to 1048576)'
            cand --cluster 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan'
            cand --aws-profile 'AWS profile to collect from, one account each; repeatable (implies --aws)'
            cand --aws-role-arn 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)'
            cand --aws-region 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account''s enabled regions]'
            cand --gcp-org 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable'
            cand --gcp-folder 'Google Cloud folder (numeric ID) to collect from; repeatable'
            cand --gcp-project 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs'
            cand --azure-subscription 'Azure subscription to collect from; repeatable (implies --azure)'
            cand --azure-tenant 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential''s home tenant]'
            cand --kube-context 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)'
            cand --timeout 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)'
            cand --shard 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job''s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read'
            cand --format 'Map format: a table per identity and per ServiceAccount, JSON (schemas/map-v1.schema.json), Graphviz DOT, or a Mermaid flowchart (GitHub renders it in Markdown)'
            cand -o 'Write the map to FILE instead of standard output'
            cand --output 'Write the map to FILE instead of standard output'
            cand --namespace 'Keep what the ServiceAccounts and workloads of this namespace can become'
            cand --in-cluster 'Keep what the objects of this cluster (its name, or the input it was read from) can become (`--cluster NAME=PATH` links inputs to clusters, as in `scan`)'
            cand --identity 'Keep who can become this identity (role ARN, service account email, client ID, or name)'
            cand --path-to 'List every path that ends at this identity'
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand --allow-partial 'Report unreadable inputs and failed sources but do not exit 2 for them'
            cand --aws 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
            cand --azure 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant''s Microsoft Graph'
            cand --k8s 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
            cand --no-secrets 'Do not list Secrets, and do not read ConfigMaps'' contents'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wiscan;rules'= {
            cand --format 'Output format for the list'
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wiscan;completions'= {
            cand --color 'When to colour output: auto = on a terminal and without NO_COLOR'
            cand -v 'Increase logging verbosity'
            cand --verbose 'Increase logging verbosity'
            cand -q 'Decrease logging verbosity'
            cand --quiet 'Decrease logging verbosity'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wiscan;help'= {
            cand scan 'Collect, run the rules and report'
            cand collect 'Collect only, and write the normalized inventory as a snapshot'
            cand map 'Draw who can become whom: the identity graph across clusters and clouds'
            cand rules 'List the rules, or explain one'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wiscan;help;scan'= {
        }
        &'wiscan;help;collect'= {
        }
        &'wiscan;help;map'= {
        }
        &'wiscan;help;rules'= {
        }
        &'wiscan;help;completions'= {
        }
        &'wiscan;help;help'= {
        }
    ]
    $completions[$command]
}
