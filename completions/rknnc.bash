# bash completion for rknnc (installed as share/bash-completion/completions/rknnc)
_rknnc_targets() {
  # First column and aliases of `rknnc targets`: names come from the installed targets/*.yaml.
  "${COMP_WORDS[0]}" targets 2>/dev/null | awk 'NR > 1 { print $1; if ($2 != "-") { n = split($2, a, ","); for (i = 1; i <= n; i++) print a[i] } }'
}

_rknnc() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  }
  local sub="" w
  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case $w in run | inspect | targets | passes | export-qdq | encrypt | hybrid) sub=$w; break ;; esac
  done

  case $prev in
    -t | --target)
      # Comma lists: complete the name after the last comma.
      local head="" last=$cur
      [[ $cur == *,* ]] && head=${cur%,*}, && last=${cur##*,}
      COMPREPLY=($(compgen -P "$head" -W "$(_rknnc_targets)" -- "$last"))
      compopt -o nospace 2>/dev/null
      return ;;
    -i | --input)
      if [[ -z $sub || $sub == hybrid ]]; then
        COMPREPLY=($(compgen -f -X '!*.@(yml|yaml)' -- "$cur") $(compgen -d -- "$cur"))
      else
        COMPREPLY=($(compgen -f -X '!*.npy' -- "$cur") $(compgen -d -- "$cur"))
      fi
      return ;;
    -o | --output) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --cfg) COMPREPLY=($(compgen -f -X '!*.cfg' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --weights-from) COMPREPLY=($(compgen -f -X '!*.rknn' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --depfile | -a | --accuracy | --key-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --level)
      [[ $sub == encrypt ]] && COMPREPLY=($(compgen -W "1 2 3" -- "$cur"))
      [[ $sub == passes ]] && COMPREPLY=($(compgen -W "0 1 2 3" -- "$cur"))
      return ;;
    --optimization-level) COMPREPLY=($(compgen -W "0 1 2 3" -- "$cur")); return ;;
    -j | --jobs | --repeat | -d | --device) return ;;
  esac

  local flags
  case $sub in
    run) flags="--input -o --output --pass-through --nhwc --batch --repeat --optimization-level --ir-graph --weights-from --key-file --help" ;;
    inspect) flags="--json --ops --input-size --key-file --help" ;;
    encrypt) flags="-o --output --level --key-file --help" ;;
    targets) flags="--json --help" ;;
    passes) flags="--level --help" ;;
    export-qdq) flags="-o --output --key-file --help" ;;
    hybrid) flags="-t --target -i --input -o --output --cfg --proposal --target-cos --max-layers -v --verbose --help" ;;
    *) flags="-t --target -i --input -o --output -j --jobs --force -M --depfile --json -q --quiet -e --eval
              -a --accuracy -d --device -v --verbose --version -h --help" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -z $sub ]]; then
    COMPREPLY=($(compgen -W "run inspect targets passes export-qdq encrypt hybrid" -- "$cur"))
  elif [[ $sub == hybrid && $prev == hybrid ]]; then
    COMPREPLY=($(compgen -W "step1 step2" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _rknnc rknnc
